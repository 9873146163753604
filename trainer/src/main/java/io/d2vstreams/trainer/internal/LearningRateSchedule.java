package io.d2vstreams.trainer.internal;

/**
 * The learning rate of update {@code n} (1-based): linear warm-up from 0 to {@code peak} over
 * {@code warmup} updates, then either constant (a stream has no last step) or a half cosine from
 * {@code peak} down to {@code floor} at update {@code total}, and {@code floor} after it.
 */
public record LearningRateSchedule(double peak, int warmup, long total, double floor, boolean cosine) {

    public double at(long n) {
        if (warmup > 0 && n <= warmup) {
            return peak * n / warmup;
        }
        if (!cosine) {
            return peak;
        }
        double span = Math.max(1, total - warmup);
        double progress = Math.min(1.0, (n - warmup) / span);
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
