package io.d2vstreams.runtime.audio;

import static io.d2vstreams.runtime.preprocess.Refusals.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.runtime.audio.TestWavs.Encoding;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("AudioPreprocessor")
class AudioPreprocessorTest {

    private final AudioPreprocessor defaults = new AudioPreprocessor(AudioPreprocessorConfig.defaults());
    private final AudioPreprocessor raw = new AudioPreprocessor(AudioPreprocessorConfig.defaults().withNormalize(false));

    static Stream<Arguments> wavVariants() {
        List<Arguments> all = new ArrayList<>();
        for (int rate : new int[] {8000, 16_000, 22_050, 44_100, 48_000}) {
            for (Encoding enc : Encoding.values()) {
                for (int channels : new int[] {1, 2}) {
                    all.add(Arguments.of(rate, enc, channels, false));
                }
            }
            all.add(Arguments.of(rate, Encoding.PCM24, 2, true));
            all.add(Arguments.of(rate, Encoding.FLOAT32, 1, true));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} Hz {1} {2} ch extensible={3}")
    @MethodSource("wavVariants")
    @DisplayName("turns a 0.5 s WAV of any supported encoding, channel count and rate into 8000 normalised samples at 16 kHz")
    void halfSecondWav(int rate, Encoding enc, int channels, boolean extensible) throws Exception {
        float[][] data = new float[channels][];
        for (int c = 0; c < channels; c++) {
            data[c] = TestWavs.sine(440 * (c + 1), rate, 0.5, 0.4);
        }
        byte[] wav = TestWavs.wav(enc, rate, extensible, data);
        FloatBuffer dst = FloatBuffer.allocate(defaults.maxOutputSamples());
        AudioInfo info = defaults.preprocessInto(wav, dst);
        assertThat(info.samples()).as("output samples").isEqualTo(8000);
        assertThat(dst.position()).as("buffer position").isEqualTo(8000);
        assertThat(info.sourceSampleRate()).as("source rate").isEqualTo(rate);
        assertThat(info.sourceChannels()).as("source channels").isEqualTo(channels);
        assertThat(info.sourceEncoding()).as("encoding").endsWith(enc.bits + "-bit");
        assertThat(info.cropped()).as("cropped").isFalse();
        float[] out = java.util.Arrays.copyOf(dst.array(), 8000);
        assertThat(Signals.mean(out)).as("mean").isCloseTo(0, within(1e-4));
        assertThat(Signals.variance(out)).as("variance").isCloseTo(1, within(1e-3));
        // Mono mixdown of 440 Hz (and 880 Hz) survives: the 440 Hz component carries the energy.
        assertThat(Signals.amplitudeAt(out, 440, 16_000, 200)).as("440 Hz amplitude").isGreaterThan(0.5);
    }

    @Test
    @DisplayName("keeps the samples' level without normalisation")
    void withoutNormalisation() throws Exception {
        float[] out = raw.preprocess(TestWavs.wav(Encoding.PCM16, 44_100, TestWavs.sine(1000, 44_100, 0.5, 0.5)));
        assertThat(Signals.amplitudeAt(out, 1000, 16_000, 200)).as("1 kHz amplitude").isCloseTo(0.5, within(0.002));
    }

    @Test
    @DisplayName("refuses a clip over the limit as TOO_LONG with the REFUSE policy, before decoding it")
    void refusesTooLong() {
        AudioPreprocessor p = new AudioPreprocessor(AudioPreprocessorConfig.defaults()
                .withMaxSeconds(0.25, OverLengthPolicy.REFUSE));
        byte[] wav = TestWavs.wav(Encoding.PCM16, 44_100, TestWavs.sine(1000, 44_100, 0.5, 0.5));
        assertThat(refusal(Reason.TOO_LONG, () -> p.preprocess(wav)).getMessage()).as("message")
                .isEqualTo("audio is 0.500 s (22050 frames at 44100 Hz); limit is 0.25 s");
    }

    @Test
    @DisplayName("keeps the first max seconds of a clip over the limit with the CROP policy")
    void cropsTooLong() throws Exception {
        AudioPreprocessor p = new AudioPreprocessor(AudioPreprocessorConfig.defaults()
                .withMaxSeconds(0.25, OverLengthPolicy.CROP));
        byte[] wav = TestWavs.wav(Encoding.PCM16, 44_100, TestWavs.sine(1000, 44_100, 0.5, 0.5));
        FloatBuffer dst = FloatBuffer.allocate(p.maxOutputSamples());
        AudioInfo info = p.preprocessInto(wav, dst);
        assertThat(info.samples()).as("samples").isEqualTo(4000).isEqualTo(p.maxOutputSamples());
        assertThat(info.cropped()).as("cropped").isTrue();
        assertThat(info.sourceFrames()).as("source frames before the crop").isEqualTo(22_050);
        assertThat(info.sourceSeconds()).as("source seconds").isCloseTo(0.5, within(1e-9));
    }

    @Test
    @DisplayName("refuses empty bytes and a WAV without samples as EMPTY, and a too-short clip as TOO_SHORT")
    void refusesEmptyAndShort() {
        assertThat(refusal(Reason.EMPTY, () -> defaults.preprocess(new byte[0])).getMessage())
                .as("empty bytes").isEqualTo("audio is empty (0 bytes)");
        byte[] noSamples = TestWavs.wav(Encoding.PCM16, 16_000, new float[0]);
        assertThat(refusal(Reason.EMPTY, () -> defaults.preprocess(noSamples)).getMessage())
                .as("no samples").isEqualTo("WAV data chunk holds no samples");
        byte[] tiny = TestWavs.wav(Encoding.PCM16, 16_000, TestWavs.sine(1000, 16_000, 0.01, 0.5));
        assertThat(refusal(Reason.TOO_SHORT, () -> defaults.preprocess(tiny)).getMessage())
                .as("160 samples").isEqualTo("audio is 0.0100 s (160 samples at 16000 Hz); minimum is 400 samples (0.0250 s)");
    }

    @Test
    @DisplayName("refuses more bytes than the limit as TOO_LARGE")
    void refusesTooLarge() {
        AudioPreprocessor p = new AudioPreprocessor(AudioPreprocessorConfig.defaults().withMaxBytes(1000));
        byte[] wav = TestWavs.wav(Encoding.PCM16, 16_000, new float[1000]);
        assertThat(refusal(Reason.TOO_LARGE, () -> p.preprocess(wav)).getMessage()).as("message")
                .isEqualTo("audio is " + wav.length + " bytes; limit is 1000");
    }

    @Test
    @DisplayName("refuses FLAC, MP3, Ogg and garbage as UNSUPPORTED_FORMAT, naming what was sent")
    void refusesOtherContainers() {
        assertThat(refusal(Reason.UNSUPPORTED_FORMAT, () -> defaults.preprocess(ascii("fLaC\0\0\0\"rest"))).getMessage())
                .as("FLAC").startsWith("FLAC audio is not supported");
        assertThat(refusal(Reason.UNSUPPORTED_FORMAT, () -> defaults.preprocess(ascii("ID3\u0004rest of it"))).getMessage())
                .as("MP3").startsWith("MP3");
        assertThat(refusal(Reason.UNSUPPORTED_FORMAT, () -> defaults.preprocess(ascii("OggS\0rest"))).getMessage())
                .as("Ogg").startsWith("Ogg");
        assertThat(refusal(Reason.UNSUPPORTED_FORMAT, () -> defaults.preprocess(ascii("hello, world"))).getMessage())
                .as("text").contains("68 65 6c 6c");
    }

    @Test
    @DisplayName("refuses a truncated data chunk and a lying chunk size as CORRUPT")
    void refusesCorrupt() {
        byte[] whole = TestWavs.wav(Encoding.PCM16, 16_000, TestWavs.sine(1000, 16_000, 0.5, 0.5));
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertThat(refusal(Reason.CORRUPT, () -> defaults.preprocess(truncated)).getMessage()).as("truncated")
                .contains("truncated");
        byte[] lying = TestWavs.riff(TestWavs.fmt(Encoding.PCM16, 16_000, 1, false),
                TestWavs.chunk("data", 1L << 31, new byte[2000]));
        refusal(Reason.CORRUPT, () -> defaults.preprocess(lying));
    }

    @Test
    @DisplayName("writes into a direct buffer at its position and refuses a buffer that is too small")
    void directBuffer() throws Exception {
        byte[] wav = TestWavs.wav(Encoding.PCM16, 16_000, TestWavs.sine(1000, 16_000, 0.5, 0.5));
        FloatBuffer dst = ByteBuffer.allocateDirect(4 * 8002).order(ByteOrder.nativeOrder()).asFloatBuffer();
        dst.put(42f);
        defaults.preprocessInto(wav, dst);
        assertThat(dst.position()).as("position").isEqualTo(8001);
        assertThat(dst.get(0)).as("untouched before").isEqualTo(42f);
        assertThat(dst.get(8001)).as("untouched after").isEqualTo(0f);
        assertThatThrownBy(() -> defaults.preprocessInto(wav, dst)).as("one float left")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 8000");
        assertThat(dst.position()).as("position after the refusal").isEqualTo(8001);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
