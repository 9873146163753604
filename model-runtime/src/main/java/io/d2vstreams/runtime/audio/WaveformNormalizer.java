package io.d2vstreams.runtime.audio;

/**
 * Zero-mean, unit-variance normalisation of one clip, as Hugging Face's
 * {@code Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm} does with {@code do_normalize}:
 * {@code (x - mean) / sqrt(var + 1e-7)}, population variance. The epsilon keeps silence finite.
 * Sums are taken in double so a 30 s clip does not lose precision.
 */
final class WaveformNormalizer {

    /** The epsilon Hugging Face adds to the variance. */
    static final double EPSILON = 1e-7;

    private WaveformNormalizer() {
    }

    /** Normalises {@code x[0..length)} in place. */
    static void normalize(float[] x, int length) {
        if (length == 0) {
            return;
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += x[i];
        }
        double mean = sum / length;
        double squares = 0;
        for (int i = 0; i < length; i++) {
            double d = x[i] - mean;
            squares += d * d;
        }
        double scale = 1.0 / Math.sqrt(squares / length + EPSILON);
        for (int i = 0; i < length; i++) {
            x[i] = (float) ((x[i] - mean) * scale);
        }
    }
}
