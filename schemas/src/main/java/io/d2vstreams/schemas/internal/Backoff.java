package io.d2vstreams.schemas.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": the delay before retry n is drawn from
 * [d/2, d] where d = min(max, initial * 2^(n-1)). Jitter spreads the retries of many clients
 * (every pipeline instance hits the registry when it comes back); keeping half of d fixed means the
 * delay never collapses to zero. See "Exponential Backoff And Jitter", AWS Architecture Blog, 2015.
 */
public final class Backoff {

    private final long initialMs;
    private final long maxMs;

    public Backoff(Duration initial, Duration max) {
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        if (initialMs < 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("need 0 <= initial <= max, was " + initial + " and " + max);
        }
    }

    /** The upper bound d of the delay before retry {@code retry} (1-based). */
    public long ceilingMs(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based, was " + retry);
        }
        int doublings = Math.min(retry - 1, 62);
        long ceiling = initialMs;
        for (int i = 0; i < doublings && ceiling < maxMs; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, maxMs);
    }

    /** A jittered delay in [ceiling/2, ceiling] milliseconds before retry {@code retry} (1-based). */
    public long delayMs(int retry) {
        long ceiling = ceilingMs(retry);
        long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }
}
