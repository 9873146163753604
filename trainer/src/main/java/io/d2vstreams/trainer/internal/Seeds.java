package io.d2vstreams.trainer.internal;

import java.util.SplittableRandom;

/**
 * Random streams derived from (seed, stream, index): every step draws its masks and dropout from
 * its own generator, so a run resumed from a checkpoint at step n draws exactly what the
 * uninterrupted run drew, with no generator state to save.
 */
public final class Seeds {

    /** Masking of training batches. */
    public static final long MASKING = 1;
    /** Dropout masks of the student. */
    public static final long DROPOUT = 2;
    /** Masking of held-out batches: fixed, so the held-out loss of two models is comparable. */
    public static final long HELD_OUT = 3;
    /** Initialisation of the regression head. */
    public static final long HEAD_INIT = 4;
    /** Initialisation of the image student's mask token. */
    public static final long MASK_TOKEN_INIT = 5;

    private Seeds() {}

    public static SplittableRandom random(long seed, long stream, long index) {
        long h = mix(seed ^ mix(stream * 0x9E3779B97F4A7C15L) ^ mix(index + 0x632BE59BD9B4E019L));
        return new SplittableRandom(h);
    }

    /** MurmurHash3's 64-bit finaliser: neighbouring inputs give unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
