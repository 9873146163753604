package io.d2vstreams.runtime.internal;

import java.nio.FloatBuffer;

/**
 * Mean over the valid positions of a [rows, positions, hidden] output, then optional L2
 * normalisation: the sentence vector of data2vec/RoBERTa encoders when no pooler head is
 * trained (as in sentence-transformers' mean pooling).
 */
public final class MeanPooling {

    private MeanPooling() {}

    /**
     * Pools row {@code row} of {@code hidden}, whose first {@code valid} positions are real input.
     *
     * @param states the model output, row-major [rows, positions, width], read with absolute gets
     * @param positions the padded length of every row
     * @return a fresh vector of length {@code width}
     */
    public static float[] pool(FloatBuffer states, int row, int positions, int width, int valid, boolean normalize) {
        return pool(states, row, positions, width, 0, valid, normalize);
    }

    /**
     * Pools positions {@code from} (inclusive) to {@code to} (exclusive) of row {@code row}: the
     * form for outputs whose leading positions are not content (an image encoder's CLS token).
     *
     * @param states the model output, row-major [rows, positions, width], read with absolute gets
     * @param positions the padded length of every row
     * @return a fresh vector of length {@code width}; zero when the range is empty
     */
    public static float[] pool(FloatBuffer states, int row, int positions, int width, int from, int to, boolean normalize) {
        if (from < 0 || to > positions || from > to) {
            throw new IllegalArgumentException("positions " + from + ".." + to + " are outside a row of " + positions);
        }
        float[] out = new float[width];
        int base = row * positions * width;
        for (int t = from; t < to; t++) {
            int offset = base + t * width;
            for (int j = 0; j < width; j++) {
                out[j] += states.get(offset + j);
            }
        }
        int valid = to - from;
        if (valid > 0) {
            float inv = 1f / valid;
            for (int j = 0; j < width; j++) {
                out[j] *= inv;
            }
        }
        if (normalize) {
            l2Normalize(out);
        }
        return out;
    }

    /** Scales to unit length; a zero vector stays zero and non-finite values stay non-finite. */
    public static void l2Normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int j = 0; j < v.length; j++) {
                v[j] *= inv;
            }
        }
    }
}
