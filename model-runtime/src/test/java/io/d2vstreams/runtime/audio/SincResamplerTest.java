package io.d2vstreams.runtime.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("SincResampler")
class SincResamplerTest {

    private static final int MARGIN = 100;

    private static float[] resample(float[] in, int from, int to) {
        return new SincResampler(from, to).resample(in, in.length);
    }

    @ParameterizedTest(name = "{0} Hz, {1} samples -> {2}")
    @CsvSource({"44100, 22050, 8000", "48000, 24000, 8000", "8000, 4000, 8000", "22050, 11025, 8000",
            "44100, 1, 1", "44100, 3, 2", "16000, 777, 777"})
    @DisplayName("produces ceil(n x 16000 / rate) samples")
    void outputLength(int rate, int in, int expected) {
        assertThat(new SincResampler(rate, 16_000).outputLength(in)).as("%d samples at %d Hz", in, rate)
                .isEqualTo(expected);
    }

    @Test
    @DisplayName("keeps a 1 kHz tone at 1 kHz and at full amplitude when going from 44.1 kHz to 16 kHz")
    void keepsFrequency() {
        float[] out = resample(TestWavs.sine(1000, 44_100, 0.5, 0.5), 44_100, 16_000);
        int crossings = Signals.zeroCrossings(out, MARGIN);
        double seconds = (out.length - 2.0 * MARGIN) / 16_000;
        assertThat(crossings / seconds / 2).as("frequency from zero crossings, Hz").isCloseTo(1000, within(5.0));
        double amp = Signals.amplitudeAt(out, 1000, 16_000, MARGIN);
        assertThat(Signals.decibels(amp / 0.5)).as("gain at 1 kHz, dB").isCloseTo(0, within(0.05));
        assertThat(Signals.rms(out, MARGIN)).as("all energy is the 1 kHz tone")
                .isCloseTo(amp / Math.sqrt(2), within(amp * 1e-3));
    }

    @Test
    @DisplayName("attenuates a 10 kHz tone by at least 40 dB going from 48 kHz to 16 kHz (Nyquist 8 kHz)")
    void antiAliasing() {
        float[] in = TestWavs.sine(10_000, 48_000, 0.5, 0.5);
        float[] out = resample(in, 48_000, 16_000);
        double attenuation = Signals.decibels(Signals.rms(out, MARGIN) / Signals.rms(in, MARGIN));
        assertThat(attenuation).as("level of the 6 kHz alias relative to the 10 kHz input, dB").isLessThanOrEqualTo(-40);
        // The design target is 80 dB; leave a little room for interpolation error.
        assertThat(attenuation).as("design stop-band attenuation, dB").isLessThanOrEqualTo(-70);
    }

    @Test
    @DisplayName("passes a 6 kHz tone (inside the pass band) going from 48 kHz to 16 kHz")
    void passBand() {
        float[] out = resample(TestWavs.sine(6000, 48_000, 0.5, 0.5), 48_000, 16_000);
        assertThat(Signals.decibels(Signals.amplitudeAt(out, 6000, 16_000, MARGIN) / 0.5)).as("gain at 6 kHz, dB")
                .isCloseTo(0, within(0.1));
    }

    @Test
    @DisplayName("upsamples 8 kHz to 16 kHz keeping the tone and suppressing its 7 kHz image")
    void upsampling() {
        float[] out = resample(TestWavs.sine(1000, 8000, 0.5, 0.5), 8000, 16_000);
        assertThat(out).as("length").hasSize(8000);
        assertThat(Signals.decibels(Signals.amplitudeAt(out, 1000, 16_000, MARGIN) / 0.5)).as("gain at 1 kHz, dB")
                .isCloseTo(0, within(0.05));
        assertThat(Signals.decibels(Signals.amplitudeAt(out, 7000, 16_000, MARGIN) / 0.5)).as("image at 7 kHz, dB")
                .isLessThan(-60);
    }

    @Test
    @DisplayName("keeps a constant level (unity gain at DC) and copies when the rates are equal")
    void unityGain() {
        float[] ones = new float[22_050];
        java.util.Arrays.fill(ones, 1f);
        float[] out = resample(ones, 22_050, 16_000);
        for (int i = MARGIN; i < out.length - MARGIN; i++) {
            assertThat(out[i]).as("sample %d", i).isCloseTo(1f, within(1e-3f));
        }
        float[] same = resample(new float[] {1f, 2f, 3f}, 16_000, 16_000);
        assertThat(same).as("same rate").containsExactly(1f, 2f, 3f);
    }

    @Test
    @DisplayName("gives the same output from the polyphase table as from per-tap kernel interpolation")
    void polyphaseMatchesInterpolation() {
        float[] in = TestWavs.sine(1234, 44_100, 0.2, 0.5);
        in[100] = 1f; // an impulse, to exercise every coefficient
        float[] table = new SincResampler(44_100, 16_000).resample(in, in.length);
        float[] direct = new SincResampler(44_100, 16_000, 0).resample(in, in.length);
        // Both use the same tabulated kernel; they differ only in float rounding of the
        // coefficients, about -100 dB below full scale.
        assertThat(table).as("polyphase vs interpolated").containsExactly(direct, within(1e-5f));
    }

    @Test
    @DisplayName("handles a rate with thousands of phases (44111 Hz) through kernel interpolation, still band-limited")
    void oddRate() {
        float[] tone = resample(TestWavs.sine(1000, 44_111, 0.5, 0.5), 44_111, 16_000);
        assertThat(Signals.decibels(Signals.amplitudeAt(tone, 1000, 16_000, MARGIN) / 0.5)).as("gain at 1 kHz, dB")
                .isCloseTo(0, within(0.05));
        float[] high = resample(TestWavs.sine(12_000, 44_111, 0.5, 0.5), 44_111, 16_000);
        assertThat(Signals.decibels(Signals.rms(high, MARGIN) / (0.5 / Math.sqrt(2)))).as("12 kHz alias level, dB")
                .isLessThanOrEqualTo(-70);
    }

    @Test
    @DisplayName("computes the Kaiser window's Bessel function I0 correctly")
    void besselI0() {
        assertThat(SincResampler.besselI0(0)).as("I0(0)").isEqualTo(1.0);
        assertThat(SincResampler.besselI0(1)).as("I0(1)").isCloseTo(1.2660658777520082, within(1e-12));
        assertThat(SincResampler.besselI0(SincResampler.BETA)).as("I0(7.857)").isCloseTo(374.1646, within(1e-3));
    }
}
