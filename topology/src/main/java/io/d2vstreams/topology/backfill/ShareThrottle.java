package io.d2vstreams.topology.backfill;

import java.time.Duration;

/**
 * Bounds the backfill's share of the encoder: after a batch that took {@code t} to encode, the
 * backfill pauses {@code t * (1 - share) / share}, so it is busy at most {@code share} of the
 * time and leaves the rest to the live stream, whatever the model or the hardware.
 */
public final class ShareThrottle {
    private final double share;

    /** @param share in (0, 1]; 1 never pauses */
    public ShareThrottle(double share) {
        if (!(share > 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException("backfill share must be in (0, 1], was " + share);
        }
        this.share = share;
    }

    public Duration pauseAfter(Duration encoding) {
        if (encoding.isNegative() || encoding.isZero()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.round(encoding.toNanos() * (1.0 - share) / share));
    }

    public double share() {
        return share;
    }
}
