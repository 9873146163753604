package io.d2vstreams.trainer.image.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BEiT's block-wise masking (Bao et al. 2021, §2.5, Algorithm 1; {@code MaskingGenerator} in
 * BEiT's and data2vec vision's code), which data2vec uses for images (Baevski et al. 2022, §4.1:
 * 60 % of the patches in blocks): until the target count is reached, draw a block with area
 * uniform in [{@code minBlockPatches}, patches still to mask] and aspect ratio log-uniform in
 * [{@code minAspect}, 1/{@code minAspect}], place it uniformly on the patch grid, and keep it if
 * it adds at least one new patch without overshooting the target. A block is always smaller than
 * the grid in both directions (BEiT's {@code w < width and h < height}); ten failed placements in
 * a row end the mask early, as in BEiT, so a mask can fall a little short of the target but never
 * exceeds it.
 *
 * <p>BEiT's minimum block of 16 patches is for a 14×14 grid; {@link #forGrid} scales it to the
 * grid's area (1 patch on the seeded default's 4×4 grid, where a 16-patch block could not fit).
 *
 * <p>Deterministic: the mask depends only on the generator handed in, so (seed, step) gives the
 * same masks on every run.
 */
public final class BlockMasker {

    /** BEiT's minimum block area, for its 14×14 grid of 224-pixel images in 16-pixel patches. */
    static final int BEIT_MIN_BLOCK_PATCHES = 16;
    static final int BEIT_GRID_PATCHES = 14 * 14;
    /** BEiT's aspect-ratio bound: blocks between 0.3 and 1/0.3. */
    static final double BEIT_MIN_ASPECT = 0.3;
    private static final int ATTEMPTS = 10;

    /** One rectangle of masked patches, in patch coordinates. */
    public record Block(int top, int left, int height, int width) {}

    /**
     * The mask of one image.
     *
     * @param masked row-major {@code [rows · cols]}, true where the patch is masked
     * @param count the number of masked patches
     * @param blocks the rectangles whose union is the mask, in the order they were drawn
     */
    public record PatchMask(boolean[] masked, int count, List<Block> blocks) {
        public PatchMask {
            blocks = List.copyOf(blocks);
        }
    }

    /**
     * The masks of a batch, as the model and the loss take them.
     *
     * @param values {@code [images, patches]} row-major, 1 at a masked patch
     * @param count masked patches in the whole batch
     */
    public record BatchMask(float[] values, int count) {}

    private final int rows;
    private final int cols;
    private final int target;
    private final int minBlockPatches;
    private final double logMinAspect;
    private final double logMaxAspect;

    /**
     * @param maskRatio fraction of the grid to mask, in (0, 1]; the target is its rounded count
     * @param minBlockPatches the smallest block area drawn, at least 1
     * @param minAspect the smallest height/width ratio, in (0, 1]; the largest is its inverse
     */
    public BlockMasker(int rows, int cols, double maskRatio, int minBlockPatches, double minAspect) {
        if (rows < 2 || cols < 2) {
            throw new IllegalArgumentException("block masking needs a grid of at least 2x2 patches, got " + rows + "x" + cols);
        }
        if (!(maskRatio > 0 && maskRatio <= 1)) {
            throw new IllegalArgumentException("mask ratio must be in (0, 1], got " + maskRatio);
        }
        if (minBlockPatches < 1) {
            throw new IllegalArgumentException("the smallest block must cover >= 1 patch, got " + minBlockPatches);
        }
        if (!(minAspect > 0 && minAspect <= 1)) {
            throw new IllegalArgumentException("the smallest aspect ratio must be in (0, 1], got " + minAspect);
        }
        this.rows = rows;
        this.cols = cols;
        this.target = Math.max(1, (int) Math.round(maskRatio * rows * cols));
        this.minBlockPatches = minBlockPatches;
        this.logMinAspect = Math.log(minAspect);
        this.logMaxAspect = Math.log(1 / minAspect);
    }

    /** BEiT's settings on a {@code side}×{@code side} grid, the minimum block scaled to its area. */
    public static BlockMasker forGrid(int side, double maskRatio) {
        int minBlock = (int) Math.max(1, Math.round((double) BEIT_MIN_BLOCK_PATCHES * side * side / BEIT_GRID_PATCHES));
        return new BlockMasker(side, side, maskRatio, minBlock, BEIT_MIN_ASPECT);
    }

    /** Patches per mask the masker aims for. */
    public int targetCount() {
        return target;
    }

    public int minBlockPatches() {
        return minBlockPatches;
    }

    /** One image's mask (BEiT's {@code MaskingGenerator.__call__}). */
    public PatchMask mask(SplittableRandom random) {
        boolean[] masked = new boolean[rows * cols];
        List<Block> blocks = new ArrayList<>();
        int count = 0;
        while (count < target) {
            int added = addBlock(masked, target - count, random, blocks);
            if (added == 0) {
                break;
            }
            count += added;
        }
        return new PatchMask(masked, count, blocks);
    }

    /** A mask per image, drawn one after the other from {@code random}. */
    public BatchMask maskBatch(int images, SplittableRandom random) {
        int patches = rows * cols;
        float[] values = new float[images * patches];
        int count = 0;
        for (int i = 0; i < images; i++) {
            PatchMask m = mask(random);
            for (int j = 0; j < patches; j++) {
                values[i * patches + j] = m.masked()[j] ? 1f : 0f;
            }
            count += m.count();
        }
        return new BatchMask(values, count);
    }

    /** BEiT's {@code _mask}: up to ten tries at a block that adds 1 to {@code room} new patches. */
    private int addBlock(boolean[] masked, int room, SplittableRandom random, List<Block> blocks) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double area = uniform(random, minBlockPatches, room);
            double aspect = Math.exp(uniform(random, logMinAspect, logMaxAspect));
            int h = (int) Math.round(Math.sqrt(area * aspect));
            int w = (int) Math.round(Math.sqrt(area / aspect));
            if (h < 1 || w < 1 || w >= cols || h >= rows) {
                continue;
            }
            int top = random.nextInt(rows - h + 1);
            int left = random.nextInt(cols - w + 1);
            int fresh = 0;
            for (int r = top; r < top + h; r++) {
                for (int c = left; c < left + w; c++) {
                    if (!masked[r * cols + c]) {
                        fresh++;
                    }
                }
            }
            if (fresh > 0 && fresh <= room) {
                for (int r = top; r < top + h; r++) {
                    for (int c = left; c < left + w; c++) {
                        masked[r * cols + c] = true;
                    }
                }
                blocks.add(new Block(top, left, h, w));
                return fresh;
            }
        }
        return 0;
    }

    /** Python's {@code random.uniform(a, b)}, which also accepts b < a. */
    private static double uniform(SplittableRandom random, double a, double b) {
        return a + (b - a) * random.nextDouble();
    }
}
