package io.d2vstreams.runtime.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("WaveformNormalizer")
class WaveformNormalizerTest {

    @Test
    @DisplayName("gives zero mean and unit variance, like Wav2Vec2FeatureExtractor's do_normalize")
    void zeroMeanUnitVariance() {
        float[] x = TestWavs.sine(440, 16_000, 1.0, 0.1);
        for (int i = 0; i < x.length; i++) {
            x[i] += 0.3f; // a DC offset to remove
        }
        WaveformNormalizer.normalize(x, x.length);
        assertThat(Signals.mean(x)).as("mean").isCloseTo(0, within(1e-5));
        assertThat(Signals.variance(x)).as("variance").isCloseTo(1, within(1e-4));
    }

    @Test
    @DisplayName("matches (x - mean) / sqrt(var + 1e-7) on a small example")
    void formula() {
        float[] x = {1f, 2f, 3f, 4f};
        WaveformNormalizer.normalize(x, 4);
        double sd = Math.sqrt(1.25 + 1e-7); // population variance of 1..4 is 1.25
        assertThat(x).as("normalised").containsExactly(new float[] {(float) (-1.5 / sd), (float) (-0.5 / sd),
                (float) (0.5 / sd), (float) (1.5 / sd)}, within(1e-6f));
    }

    @Test
    @DisplayName("leaves silence at zero rather than dividing by zero, and touches only the given length")
    void silence() {
        float[] x = {0f, 0f, 0f, 7f};
        WaveformNormalizer.normalize(x, 3);
        assertThat(x).as("silence, then an untouched sample").containsExactly(0f, 0f, 0f, 7f);
    }
}
