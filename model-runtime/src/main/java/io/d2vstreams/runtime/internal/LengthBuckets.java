package io.d2vstreams.runtime.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a large batch of variable-length inputs into model runs of at most {@code maxBatch}
 * inputs of similar length, so each run pads to a length close to its members'. A batch that
 * fits one run stays in input order (sorting cannot shrink the padding of a single run). The
 * caller writes each run's outputs back at the original indices.
 */
public final class LengthBuckets {

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
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        int n = lengths.length;
        int[] order = new int[n];
        if (n <= maxBatch) {
            Arrays.setAll(order, i -> i);
        } else {
            // Pack (length, index) into one long and sort primitives: ties keep input order.
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = ((long) lengths[i] << 32) | i;
            }
            Arrays.sort(keys);
            for (int i = 0; i < n; i++) {
                order[i] = (int) keys[i];
            }
        }
        List<int[]> buckets = new ArrayList<>((n + maxBatch - 1) / maxBatch);
        long real = 0;
        long padded = 0;
        for (int start = 0; start < n; start += maxBatch) {
            int[] bucket = Arrays.copyOfRange(order, start, Math.min(n, start + maxBatch));
            int longest = 0;
            for (int idx : bucket) {
                real += lengths[idx];
                longest = Math.max(longest, lengths[idx]);
            }
            padded += (long) longest * bucket.length;
            buckets.add(bucket);
        }
        return new Plan(buckets, real, padded);
    }
}
