package io.d2vstreams.runtime.internal;

import java.util.SplittableRandom;

/**
 * Normal samples truncated at ±2σ (resampling outside), as in {@code timm}'s and fairseq's
 * {@code trunc_normal_}. Uses the Marsaglia polar method over {@link SplittableRandom#nextDouble()}
 * with {@link StrictMath}, not {@code nextGaussian()} or {@link Math}: both may differ between
 * JDKs or CPUs, and seeded models must come out bit-identical everywhere.
 */
public final class TruncatedNormal {

    private static final double CUTOFF = 2.0;

    private final SplittableRandom random;
    private double spare;
    private boolean hasSpare;

    public TruncatedNormal(SplittableRandom random) {
        this.random = random;
    }

    /** One sample of N(0, std²) restricted to [-2·std, 2·std]. */
    public float next(double std) {
        while (true) {
            double z = standard();
            if (Math.abs(z) <= CUTOFF) {
                return (float) (z * std);
            }
        }
    }

    private double standard() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double scale = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spare = v * scale;
        hasSpare = true;
        return u * scale;
    }
}
