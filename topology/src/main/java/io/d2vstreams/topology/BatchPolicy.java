package io.d2vstreams.topology;

import java.time.Duration;

/**
 * When a micro-batch is encoded: as soon as it holds {@code maxSize} records, or when its
 * oldest record has waited {@code maxWait}, whichever comes first.
 */
public record BatchPolicy(int maxSize, Duration maxWait) {
    public BatchPolicy {
        if (maxSize < 1) {
            throw new IllegalArgumentException("batch max size must be at least 1, was " + maxSize);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("batch max wait must be positive, was " + maxWait);
        }
    }
}
