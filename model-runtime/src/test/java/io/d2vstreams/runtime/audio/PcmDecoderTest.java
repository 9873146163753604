package io.d2vstreams.runtime.audio;

import static io.d2vstreams.runtime.preprocess.Refusals.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.runtime.audio.TestWavs.Encoding;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("PcmDecoder")
class PcmDecoderTest {

    private static float[] decode(byte[] wav) throws PreprocessException {
        WavParser.WavFile f = WavParser.parse(wav);
        return PcmDecoder.decodeMono(wav, f, f.frames());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Encoding.class)
    @DisplayName("decodes each encoding back to the values written, within its quantisation step")
    void roundTrips(Encoding enc) throws Exception {
        float[] values = {0f, 0.5f, -0.5f, 0.25f, -0.99f, 0.99f};
        // Two quantisation steps (the writer scales by 2^(n-1) - 1, the reader by 2^(n-1)),
        // but no finer than float precision near 1.
        float step = enc.tag == 3 ? 1e-7f : Math.max(4f / (1L << enc.bits), 2e-7f);
        float[] decoded = decode(TestWavs.wav(enc, 16_000, values));
        for (int i = 0; i < values.length; i++) {
            assertThat(decoded[i]).as("%s sample %d", enc, i).isCloseTo(values[i], within(step));
        }
    }

    @Test
    @DisplayName("maps PCM full scale to -1 and the unsigned 8-bit midpoint 128 to 0")
    void fullScale() throws Exception {
        byte[] pcm8 = TestWavs.riff(TestWavs.fmtRaw(1, 1, 8000, 1, 8), TestWavs.chunk("data", new byte[] {0, (byte) 128}));
        assertThat(decode(pcm8)).as("8-bit 0 and 128").containsExactly(-1f, 0f);
        ByteBuffer b = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0, 0, (byte) 0x80}).put(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x7F});
        byte[] pcm24 = TestWavs.riff(TestWavs.fmtRaw(1, 1, 8000, 3, 24), TestWavs.chunk("data", b.array()));
        float[] d24 = decode(pcm24);
        assertThat(d24[0]).as("24-bit 0x800000").isEqualTo(-1f);
        assertThat(d24[1]).as("24-bit 0x7FFFFF").isCloseTo(1f, within(2e-7f));
    }

    @Test
    @DisplayName("averages channels into mono")
    void mixesDown() throws Exception {
        float[] left = {1f, 0.5f, 0f};
        float[] right = {-1f, 0.5f, 0.25f};
        float[] mono = decode(TestWavs.wav(Encoding.FLOAT32, 16_000, left, right));
        assertThat(mono).as("mono").containsExactly(0f, 0.5f, 0.125f);
    }

    @Test
    @DisplayName("refuses NaN and infinite float samples as CORRUPT")
    void refusesNonFinite() {
        byte[] nan = TestWavs.wav(Encoding.FLOAT32, 16_000, new float[] {0f, Float.NaN});
        assertThat(refusal(Reason.CORRUPT, () -> decode(nan)).getMessage()).as("message")
                .isEqualTo("WAV sample at frame 1, channel 0 is NaN");
        byte[] inf = TestWavs.wav(Encoding.FLOAT64, 16_000, new float[] {Float.POSITIVE_INFINITY});
        refusal(Reason.CORRUPT, () -> decode(inf));
    }
}
