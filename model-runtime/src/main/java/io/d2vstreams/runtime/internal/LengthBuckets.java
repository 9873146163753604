package io.d2vstreams.runtime.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Splits a batch of variable-length inputs into model runs of at most {@code maxBatch} inputs of
 * similar length, so each run pads to a length close to its members'. The caller writes each
 * run's outputs back at the original indices.
 *
 * <p>The inputs are sorted by length and cut into contiguous runs by dynamic programming over the
 * cost {@code Σ (run size × longest member) + runOverhead × runs}: the positions the model computes,
 * plus a fixed price per model call (the session's dispatch and thread hand-offs, in the same unit
 * of positions). Fixed-size runs of the sorted inputs would leave a long tail in the run that
 * straddles a jump in length; cutting at the jumps instead keeps the padding low with few runs.
 * A zero overhead would cut a run at every distinct length, a large one never cuts below
 * {@code maxBatch}.
 */
public final class LengthBuckets {

    /**
     * The per-call price used by the encoders, in positions: small enough that a batch is cut where
     * its lengths jump, large enough that runs do not shrink to a handful of inputs. With it
     * {@code d2v bench encoder --modality text --batch 32} measured padding efficiency 0.93 for
     * calls of 32 texts and 0.95 for calls of 128 (fixed runs of the sorted inputs: 0.39 and 0.78).
     */
    public static final int DEFAULT_RUN_OVERHEAD = 64;

    /**
     * A split of one batch.
     *
     * @param buckets original input indices per model run
     * @param realPositions positions that hold input (the sum of the lengths)
     * @param paddedPositions positions computed (per run: size × longest member)
     */
    public record Plan(List<int[]> buckets, long realPositions, long paddedPositions) {

        /** realPositions / paddedPositions: 1.0 means no padding at all. */
        public double paddingEfficiency() {
            return paddedPositions == 0 ? 1.0 : (double) realPositions / paddedPositions;
        }
    }

    private LengthBuckets() {}

    public static Plan plan(int[] lengths, int maxBatch) {
        return plan(lengths, maxBatch, DEFAULT_RUN_OVERHEAD);
    }

    /**
     * @param runOverhead the price of one more model run, in positions (≥ 0)
     */
    public static Plan plan(int[] lengths, int maxBatch, long runOverhead) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        if (runOverhead < 0) {
            throw new IllegalArgumentException("runOverhead must be >= 0, got " + runOverhead);
        }
        int n = lengths.length;
        int[] order = sortedByLength(lengths);
        // cost[j]: cheapest split of the j shortest inputs; start[j]: where its last run starts.
        long[] cost = new long[n + 1];
        int[] start = new int[n + 1];
        for (int j = 1; j <= n; j++) {
            long longest = lengths[order[j - 1]]; // sorted: the run's last member is its longest
            cost[j] = Long.MAX_VALUE;
            for (int i = Math.max(0, j - maxBatch); i < j; i++) {
                long candidate = cost[i] + (j - i) * longest + runOverhead;
                if (candidate < cost[j]) {
                    cost[j] = candidate;
                    start[j] = i;
                }
            }
        }
        List<int[]> buckets = new ArrayList<>();
        long real = 0;
        long padded = 0;
        for (int end = n; end > 0; end = start[end]) {
            int[] bucket = Arrays.copyOfRange(order, start[end], end);
            buckets.add(bucket);
            padded += (long) bucket.length * lengths[order[end - 1]];
            for (int idx : bucket) {
                real += lengths[idx];
            }
        }
        Collections.reverse(buckets);
        return new Plan(buckets, real, padded);
    }

    /** Input indices ordered by length; ties keep input order. */
    private static int[] sortedByLength(int[] lengths) {
        int n = lengths.length;
        // Pack (length, index) into one long and sort primitives.
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) lengths[i] << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }
}
