package io.d2vstreams.trainer.image.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.trainer.internal.Seeds;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("BlockMasker, BEiT's block-wise masking")
class BlockMaskerTest {

    private static final int SEEDS = 2000;

    @ParameterizedTest(name = "{0}x{0} grid at {1}")
    @CsvSource({"4, 0.6", "14, 0.6", "14, 0.4"})
    @DisplayName("over many seeds the mask ratio is close to the target, and no mask exceeds it")
    void ratioCloseToTarget(int side, double ratio) {
        BlockMasker masker = BlockMasker.forGrid(side, ratio);
        int patches = side * side;
        double sum = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            BlockMasker.PatchMask m = masker.mask(Seeds.random(seed, Seeds.MASKING, 1));
            assertThat(m.count()).as("seed %d: masked patches vs the target %d", seed, masker.targetCount())
                    .isLessThanOrEqualTo(masker.targetCount()).isPositive();
            sum += m.count();
        }
        double meanRatio = sum / SEEDS / patches;
        // The target is the rounded count (10 of 16 = 0.625 on 4x4); BEiT gives up after ten failed
        // placements, so the mean falls a little short of it, never far.
        assertThat(meanRatio).as("mean mask ratio on %dx%d", side, side)
                .isCloseTo((double) masker.targetCount() / patches, Offset.offset(0.04));
    }

    @ParameterizedTest(name = "{0}x{0} grid")
    @CsvSource({"4", "14"})
    @DisplayName("every mask is the union of the rectangles it reports, each inside the grid and smaller than it")
    void unionOfRectangles(int side) {
        BlockMasker masker = BlockMasker.forGrid(side, 0.6);
        long blocks = 0;
        long masked = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            BlockMasker.PatchMask m = masker.mask(Seeds.random(seed, Seeds.MASKING, 1));
            boolean[] union = new boolean[side * side];
            for (BlockMasker.Block b : m.blocks()) {
                assertThat(b.height()).as("seed %d: block height", seed).isBetween(1, side - 1);
                assertThat(b.width()).as("seed %d: block width", seed).isBetween(1, side - 1);
                assertThat(b.top() + b.height()).as("seed %d: block bottom", seed).isLessThanOrEqualTo(side);
                assertThat(b.left() + b.width()).as("seed %d: block right edge", seed).isLessThanOrEqualTo(side);
                for (int r = b.top(); r < b.top() + b.height(); r++) {
                    for (int c = b.left(); c < b.left() + b.width(); c++) {
                        union[r * side + c] = true;
                    }
                }
            }
            assertThat(m.masked()).as("seed %d: mask vs the union of its blocks", seed).isEqualTo(union);
            int count = 0;
            for (boolean b : m.masked()) {
                count += b ? 1 : 0;
            }
            assertThat(m.count()).as("seed %d: count", seed).isEqualTo(count);
            blocks += m.blocks().size();
            masked += count;
        }
        // Blocks, not scattered patches (1 per draw): on 4x4 a block brings about 2.4 new patches on
        // average (the last ones fill small gaps), on 14x14 about 19 (measured over these seeds).
        assertThat((double) masked / blocks).as("masked patches per block on %dx%d", side, side)
                .isGreaterThan(side == 4 ? 2.0 : 10);
    }

    @Test
    @DisplayName("the same generator seed gives the same masks; another seed, other masks")
    void deterministicPerSeed() {
        BlockMasker masker = BlockMasker.forGrid(4, 0.6);
        BlockMasker.BatchMask a = masker.maskBatch(8, Seeds.random(11, Seeds.MASKING, 5));
        BlockMasker.BatchMask b = masker.maskBatch(8, Seeds.random(11, Seeds.MASKING, 5));
        BlockMasker.BatchMask c = masker.maskBatch(8, Seeds.random(11, Seeds.MASKING, 6));
        assertThat(b.values()).as("same seed and step").isEqualTo(a.values());
        assertThat(b.count()).as("same count").isEqualTo(a.count());
        assertThat(c.values()).as("next step").isNotEqualTo(a.values());
    }

    @Test
    @DisplayName("a batch mask is the images' masks side by side, with their total count")
    void batchMask() {
        BlockMasker masker = BlockMasker.forGrid(4, 0.6);
        BlockMasker.BatchMask batch = masker.maskBatch(3, new SplittableRandom(9));
        SplittableRandom same = new SplittableRandom(9);
        int total = 0;
        for (int i = 0; i < 3; i++) {
            BlockMasker.PatchMask m = masker.mask(same);
            for (int j = 0; j < 16; j++) {
                assertThat(batch.values()[i * 16 + j]).as("image %d patch %d", i, j).isEqualTo(m.masked()[j] ? 1f : 0f);
            }
            total += m.count();
        }
        assertThat(batch.count()).as("total").isEqualTo(total);
    }

    @Test
    @DisplayName("BEiT's minimum block of 16 patches on 14x14 scales to 1 patch on the default's 4x4 grid")
    void minimumScalesWithTheGrid() {
        assertThat(BlockMasker.forGrid(14, 0.4).minBlockPatches()).as("14x14").isEqualTo(16);
        assertThat(BlockMasker.forGrid(4, 0.6).minBlockPatches()).as("4x4").isEqualTo(1);
        assertThat(BlockMasker.forGrid(4, 0.6).targetCount()).as("60 % of 16, rounded").isEqualTo(10);
        assertThatThrownBy(() -> BlockMasker.forGrid(1, 0.6)).as("a 1x1 grid has no room for a smaller block")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
