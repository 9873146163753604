package io.d2vstreams.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {

    @Test
    @DisplayName("inputs of similar length stay one run")
    void similarLengthsStayOneRun() {
        LengthBuckets.Plan plan = LengthBuckets.plan(new int[] {9, 8, 9, 10}, 4, 64);

        assertThat(plan.buckets()).as("buckets").hasSize(1);
        assertThat(plan.buckets().get(0)).as("indices, shortest first").containsExactly(1, 0, 2, 3);
        assertThat(plan.paddedPositions()).as("4 × 10").isEqualTo(40);
    }

    @Test
    @DisplayName("a batch that fits one run is still cut where the length jumps, when padding costs more than a run")
    void smallBatchCutAtTheJump() {
        int[] lengths = {3, 120, 4, 118, 5, 2};

        LengthBuckets.Plan cut = LengthBuckets.plan(lengths, 8, 64);
        assertThat(cut.buckets()).as("short and long apart").hasSize(2);
        assertThat(cut.buckets().get(0)).containsExactly(5, 0, 2, 4);
        assertThat(cut.buckets().get(1)).containsExactly(3, 1);
        assertThat(cut.paddedPositions()).as("4 × 5 + 2 × 120").isEqualTo(260);

        LengthBuckets.Plan whole = LengthBuckets.plan(lengths, 8, 10_000);
        assertThat(whole.buckets()).as("a run dearer than all the padding: one run").hasSize(1);
        assertThat(whole.paddedPositions()).isEqualTo(6 * 120);
    }

    @Test
    @DisplayName("a large batch is split into runs of at most maxBatch that cover every input once and pad less")
    void largeBatchSortedBuckets() {
        int[] lengths = {30, 3, 28, 4, 3, 31, 5, 29};
        LengthBuckets.Plan plan = LengthBuckets.plan(lengths, 4, 64);

        assertThat(plan.buckets()).as("buckets").hasSize(2);
        assertThat(plan.buckets().get(0)).as("short inputs, ties in input order").containsExactly(1, 4, 3, 6);
        assertThat(plan.buckets().get(1)).as("long inputs").containsExactly(2, 7, 0, 5);
        assertThat(plan.paddedPositions()).as("4*5 + 4*31").isEqualTo(144);
    }

    @Test
    @DisplayName("the split is optimal for its cost: no cut of the sorted inputs is cheaper (brute force on small batches)")
    void optimalAgainstBruteForce() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(10);
            int maxBatch = 1 + random.nextInt(5);
            long overhead = random.nextInt(60);
            int[] lengths = random.ints(n, 1, 60).toArray();

            LengthBuckets.Plan plan = LengthBuckets.plan(lengths, maxBatch, overhead);

            int[] covered = plan.buckets().stream().flatMapToInt(Arrays::stream).sorted().toArray();
            assertThat(covered).as("every index exactly once").containsExactly(java.util.stream.IntStream.range(0, n).toArray());
            assertThat(plan.buckets()).allSatisfy(b -> assertThat(b.length).isBetween(1, maxBatch));
            assertThat(plan.realPositions()).isEqualTo(Arrays.stream(lengths).sum());
            long planCost = plan.paddedPositions() + overhead * plan.buckets().size();
            int[] sorted = lengths.clone();
            Arrays.sort(sorted);
            assertThat(planCost).as("trial %d: %s max %d overhead %d", trial, Arrays.toString(lengths), maxBatch, overhead)
                    .isEqualTo(bruteForce(sorted, 0, maxBatch, overhead));
        }
    }

    @Test
    @DisplayName("mixed-length text in windows of 128, runs of at most 32: padding efficiency above 0.85")
    void mixedLengthsPadLittle() {
        SplittableRandom random = new SplittableRandom(11);
        int[] lengths = new int[128];
        for (int i = 0; i < lengths.length; i++) {
            // Log-uniform between 8 and 256 tokens, like chat lines mixed with paragraphs.
            lengths[i] = (int) Math.round(Math.exp(Math.log(8) + random.nextDouble() * Math.log(32)));
        }
        assertThat(LengthBuckets.plan(lengths, 32, LengthBuckets.DEFAULT_RUN_OVERHEAD).paddingEfficiency())
                .isGreaterThan(0.85);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> LengthBuckets.plan(new int[] {1}, 0, 1)).hasMessageContaining("maxBatch");
        assertThatThrownBy(() -> LengthBuckets.plan(new int[] {1}, 1, -1)).hasMessageContaining("runOverhead");
    }

    /** The cheapest cut of sorted[from..] into contiguous runs, by trying every one. */
    private static long bruteForce(int[] sorted, int from, int maxBatch, long overhead) {
        if (from == sorted.length) {
            return 0;
        }
        long best = Long.MAX_VALUE;
        for (int end = from + 1; end <= Math.min(sorted.length, from + maxBatch); end++) {
            long run = (long) (end - from) * sorted[end - 1] + overhead;
            best = Math.min(best, run + bruteForce(sorted, end, maxBatch, overhead));
        }
        return best;
    }
}
