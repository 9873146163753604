package io.d2vstreams.runtime.audio;

import static io.d2vstreams.runtime.preprocess.Refusals.refusal;
import static io.d2vstreams.runtime.preprocess.Refusals.succeedsOrRefuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.runtime.audio.TestWavs.Encoding;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("WavParser")
class WavParserTest {

    private static final float[] TEN = new float[10];

    @ParameterizedTest(name = "{0}")
    @EnumSource(Encoding.class)
    @DisplayName("reads the format and data location of plain and WAVE_FORMAT_EXTENSIBLE files")
    void readsFormats(Encoding enc) throws Exception {
        for (boolean extensible : new boolean[] {false, true}) {
            byte[] wav = TestWavs.wav(enc, 22_050, extensible, TEN, TEN);
            WavParser.WavFile f = WavParser.parse(wav);
            assertThat(f.format()).as("%s extensible=%s", enc, extensible).isEqualTo(new WavFormat(
                    enc.tag == 1 ? WavFormat.Encoding.PCM : WavFormat.Encoding.IEEE_FLOAT, 2, 22_050, enc.bits / 8));
            assertThat(f.frames()).as("frames").isEqualTo(10);
            assertThat(f.dataOffset() + f.dataLength()).as("data ends at the end of the file").isEqualTo(wav.length);
        }
    }

    @Test
    @DisplayName("skips other chunks, honours odd-size padding, and finds fmt after data")
    void walksChunks() throws Exception {
        byte[] data = TestWavs.chunk("data", new byte[20]);
        byte[] fmt = TestWavs.fmt(Encoding.PCM16, 8000, 1, false);
        byte[] list = TestWavs.chunk("LIST", new byte[5]); // odd: one pad byte follows
        WavParser.WavFile f = WavParser.parse(TestWavs.riff(list, data, TestWavs.chunk("junk", new byte[3]), fmt));
        assertThat(f.frames()).as("frames").isEqualTo(10);
        assertThat(f.dataOffset()).as("data offset: 12 + LIST (8+5+1) + data header 8").isEqualTo(12 + 14 + 8);
    }

    @Test
    @DisplayName("refuses a data chunk that declares more bytes than the file has as CORRUPT (truncated)")
    void refusesTruncatedData() {
        byte[] wav = TestWavs.riff(TestWavs.fmt(Encoding.PCM16, 16_000, 1, false),
                TestWavs.chunk("data", 16_000, new byte[100]));
        PreprocessException e = refusal(Reason.CORRUPT, () -> WavParser.parse(wav));
        assertThat(e.getMessage()).as("message")
                .isEqualTo("WAV data chunk declares 16000 bytes but only 100 remain: the file is truncated or its size field is wrong");
        byte[] whole = TestWavs.wav(Encoding.PCM16, 16_000, new float[1000]);
        refusal(Reason.CORRUPT, () -> WavParser.parse(Arrays.copyOf(whole, whole.length - 1)));
    }

    @Test
    @DisplayName("refuses any chunk whose size is bigger than the file as CORRUPT, and never reads past the end")
    void refusesLyingChunkSize() {
        byte[] wav = TestWavs.riff(TestWavs.chunk("LIST", 0xFFFFFFF0L, new byte[4]),
                TestWavs.fmt(Encoding.PCM16, 16_000, 1, false), TestWavs.chunk("data", new byte[4]));
        PreprocessException e = refusal(Reason.CORRUPT, () -> WavParser.parse(wav));
        assertThat(e.getMessage()).as("message").contains("'LIST'", "4294967280 bytes", "remain");
    }

    @Test
    @DisplayName("refuses wrong magic, another RIFF form, and a non-PCM format tag as UNSUPPORTED_FORMAT")
    void refusesUnsupported() {
        byte[] rifx = TestWavs.wav(Encoding.PCM16, 16_000, TEN);
        rifx[3] = 'X';
        refusal(Reason.UNSUPPORTED_FORMAT, () -> WavParser.parse(rifx));
        byte[] avi = TestWavs.wav(Encoding.PCM16, 16_000, TEN);
        System.arraycopy("AVI ".getBytes(StandardCharsets.US_ASCII), 0, avi, 8, 4);
        refusal(Reason.UNSUPPORTED_FORMAT, () -> WavParser.parse(avi));
        byte[] adpcm = TestWavs.riff(TestWavs.fmtRaw(2, 1, 16_000, 2, 16), TestWavs.chunk("data", new byte[20]));
        assertThat(refusal(Reason.UNSUPPORTED_FORMAT, () -> WavParser.parse(adpcm)).getMessage()).as("message")
                .startsWith("WAV format tag 0x0002 (Microsoft ADPCM) is not supported");
        byte[] odd = TestWavs.wav(Encoding.PCM16, 16_000, true, TEN);
        odd[12 + 8 + 30] ^= 0x55; // inside the sub-format GUID's fixed tail
        assertThat(refusal(Reason.UNSUPPORTED_FORMAT, () -> WavParser.parse(odd)).getMessage()).as("message")
                .contains("GUID");
    }

    @Test
    @DisplayName("refuses impossible fmt fields and missing chunks as CORRUPT")
    void refusesBadStructure() {
        byte[] data = TestWavs.chunk("data", new byte[20]);
        refusal(Reason.CORRUPT, () -> WavParser.parse(TestWavs.riff(TestWavs.chunk("fmt ", new byte[10]), data)));
        refusal(Reason.CORRUPT, () -> WavParser.parse(TestWavs.riff(TestWavs.fmtRaw(1, 0, 16_000, 2, 16), data)));
        refusal(Reason.CORRUPT, () -> WavParser.parse(TestWavs.riff(TestWavs.fmtRaw(1, 1, 0, 2, 16), data)));
        refusal(Reason.CORRUPT, () -> WavParser.parse(TestWavs.riff(TestWavs.fmtRaw(1, 2, 16_000, 3, 16), data)));
        refusal(Reason.CORRUPT, () -> WavParser.parse(TestWavs.riff(TestWavs.fmtRaw(1, 1, 16_000, 2, 24), data)));
        refusal(Reason.CORRUPT, () -> WavParser.parse(TestWavs.riff(TestWavs.fmtRaw(1, 1, 16_000, 6, 24),
                TestWavs.chunk("data", new byte[20]))));
        assertThat(refusal(Reason.CORRUPT, () -> WavParser.parse(TestWavs.riff(data))).getMessage())
                .as("no fmt").isEqualTo("WAV file has no fmt chunk");
        assertThat(refusal(Reason.CORRUPT,
                () -> WavParser.parse(TestWavs.riff(TestWavs.fmt(Encoding.PCM16, 16_000, 1, false)))).getMessage())
                .as("no data").isEqualTo("WAV file has no data chunk");
    }

    @Test
    @DisplayName("refuses PCM wider than 32 bits and float narrower than 32 as UNSUPPORTED_FORMAT")
    void refusesUnsupportedWidths() {
        byte[] data = TestWavs.chunk("data", new byte[40]);
        refusal(Reason.UNSUPPORTED_FORMAT, () -> WavParser.parse(TestWavs.riff(TestWavs.fmtRaw(1, 1, 16_000, 8, 64), data)));
        refusal(Reason.UNSUPPORTED_FORMAT, () -> WavParser.parse(TestWavs.riff(TestWavs.fmtRaw(3, 1, 16_000, 2, 16), data)));
    }

    @Test
    @DisplayName("never throws anything but PreprocessException for any truncation or random damage")
    void survivesEveryTruncationAndRandomDamage() {
        byte[] valid = TestWavs.riff(TestWavs.chunk("LIST", new byte[7]), TestWavs.fmt(Encoding.PCM24, 44_100, 2, true),
                TestWavs.chunk("data", new byte[60]));
        for (int n = 0; n <= valid.length; n++) {
            byte[] prefix = Arrays.copyOf(valid, n);
            succeedsOrRefuses("prefix of " + n + " bytes", () -> WavParser.parse(prefix));
        }
        Random random = new Random(3);
        for (int round = 0; round < 2000; round++) {
            byte[] damaged = valid.clone();
            for (int f = 0; f < 1 + random.nextInt(4); f++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            succeedsOrRefuses("round " + round, () -> WavParser.parse(damaged));
        }
    }
}
