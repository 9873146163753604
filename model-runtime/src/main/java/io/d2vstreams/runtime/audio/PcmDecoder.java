package io.d2vstreams.runtime.audio;

import io.d2vstreams.runtime.preprocess.Bytes;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;

/**
 * Decodes interleaved little-endian WAV samples to floats in [-1, 1) and mixes all channels
 * down to mono by averaging them, in one pass.
 *
 * <p>Integer PCM is scaled by its container's full scale (2^(bits-1)), so a 20-bit sample
 * left-justified in 24 bits, as WAVE_FORMAT_EXTENSIBLE stores it, needs no special case. 8-bit
 * PCM is unsigned with 128 as silence (WAVE spec); wider PCM is two's complement. Float samples
 * are taken as they are, except NaN and infinity, which would poison the normalisation and the
 * model and so mark the file corrupt.
 */
final class PcmDecoder {

    private PcmDecoder() {
    }

    /** The first {@code frames} frames of {@code wav}, mixed to mono. */
    static float[] decodeMono(byte[] b, WavParser.WavFile wav, int frames) throws PreprocessException {
        WavFormat f = wav.format();
        int channels = f.channels();
        int bps = f.bytesPerSample();
        float[] mono = new float[frames];
        float perChannel = 1f / channels;
        int pos = wav.dataOffset();
        for (int i = 0; i < frames; i++) {
            float sum = 0f;
            for (int c = 0; c < channels; c++, pos += bps) {
                float v = sample(b, pos, f.encoding(), bps);
                if (!Float.isFinite(v)) {
                    throw new PreprocessException(Reason.CORRUPT,
                            "WAV sample at frame " + i + ", channel " + c + " is " + v);
                }
                sum += v;
            }
            mono[i] = sum * perChannel;
        }
        return mono;
    }

    private static float sample(byte[] b, int p, WavFormat.Encoding encoding, int bytes) {
        if (encoding == WavFormat.Encoding.IEEE_FLOAT) {
            if (bytes == 4) {
                return Float.intBitsToFloat((int) Bytes.u32le(b, p));
            }
            long bits = Bytes.u32le(b, p) | Bytes.u32le(b, p + 4) << 32;
            return (float) Double.longBitsToDouble(bits);
        }
        switch (bytes) {
            case 1:
                return ((b[p] & 0xFF) - 128) / 128f;
            case 2:
                return (short) Bytes.u16le(b, p) / 32768f;
            case 3:
                // Assemble in the top 24 bits of an int, then shift back down to sign-extend.
                int top24 = (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF) << 16 | b[p + 2] << 24;
                return (top24 >> 8) / 8388608f;
            case 4:
                return (int) Bytes.u32le(b, p) / 2147483648f;
            default:
                throw new AssertionError("validated by WavParser: " + bytes + "-byte PCM");
        }
    }
}
