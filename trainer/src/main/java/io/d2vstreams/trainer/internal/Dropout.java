package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * Dropout with masks drawn on the Java side from a seeded generator instead of libtorch's global
 * one, so a step's masks depend only on (seed, step): a resumed run repeats them exactly, and
 * two trainers in one JVM do not disturb each other's randomness. A keep probability is
 * quantised to 1/65536. As in Hugging Face's RoBERTa: after the embeddings' LayerNorm, on the
 * attention probabilities, and on both sub-layer outputs before their residual additions.
 */
public final class Dropout {

    private static final Dropout NONE = new Dropout(0, 0, null);
    private static final int LEVELS = 1 << 16;

    private final double hidden;
    private final double attention;
    private final SplittableRandom random;

    private Dropout(double hidden, double attention, SplittableRandom random) {
        this.hidden = hidden;
        this.attention = attention;
        this.random = random;
    }

    /** Evaluation mode: every array passes unchanged. */
    public static Dropout none() {
        return NONE;
    }

    /** Training mode with the given drop probabilities, each in [0, 1). */
    public static Dropout of(double hidden, double attention, SplittableRandom random) {
        if (hidden == 0 && attention == 0) {
            return NONE;
        }
        return new Dropout(check(hidden), check(attention), random);
    }

    public NDArray hidden(NDArray x) {
        return apply(x, hidden);
    }

    public NDArray attention(NDArray probs) {
        return apply(probs, attention);
    }

    private NDArray apply(NDArray x, double p) {
        if (p == 0) {
            return x;
        }
        int n = Math.toIntExact(x.getShape().size());
        float[] mask = new float[n];
        int threshold = (int) Math.round(p * LEVELS);
        float scale = (float) (1.0 / (1.0 - p));
        long bits = 0;
        for (int i = 0; i < n; i++) {
            if ((i & 3) == 0) {
                bits = random.nextLong();
            }
            int u = (int) (bits & 0xFFFF);
            bits >>>= 16;
            mask[i] = u >= threshold ? scale : 0f;
        }
        // Created by the array's own manager, so it lives exactly as long as the step's arrays.
        return x.mul(x.getManager().create(mask, x.getShape()));
    }

    private static double check(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        return p;
    }
}
