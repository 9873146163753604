package io.d2vstreams.topology.internal;

/**
 * A token bucket refilled at {@code perSecond} tokens a second, holding at most one second's
 * worth: allows short bursts up to the rate and no sustained excess. Not thread-safe; one per
 * stream task.
 */
public final class TokenBucket {
    private final double perSecond;
    private double tokens;
    private long lastRefillMs = -1;

    public TokenBucket(double perSecond) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
    }

    /** Takes one token if there is one at {@code nowMs}. */
    public boolean tryTake(long nowMs) {
        if (lastRefillMs >= 0 && nowMs > lastRefillMs) {
            tokens = Math.min(perSecond, tokens + (nowMs - lastRefillMs) * perSecond / 1000.0);
        }
        lastRefillMs = Math.max(lastRefillMs, nowMs);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
