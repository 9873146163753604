package io.d2vstreams.cli.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of latencies (the smallest value with at least p of them at or below it). */
final class Percentiles {
    private final long[] sorted;

    Percentiles(long[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        this.sorted = values.clone();
        Arrays.sort(this.sorted);
    }

    /** The {@code p} quantile, 0 < p <= 1. */
    double at(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in (0, 1], not " + p);
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
