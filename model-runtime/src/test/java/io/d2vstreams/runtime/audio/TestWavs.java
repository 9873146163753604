package io.d2vstreams.runtime.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * WAV files written byte by byte for tests, following the RIFF/WAVE layout: "RIFF", size,
 * "WAVE", then chunks (id, u32 little-endian size, body, pad to even). Well-formed files come
 * from {@link #wav}; {@link #riff} and {@link #chunk} build broken ones.
 */
final class TestWavs {

    /** A sample encoding as the fmt chunk declares it. */
    enum Encoding {
        PCM8(1, 8), PCM16(1, 16), PCM24(1, 24), PCM32(1, 32), FLOAT32(3, 32), FLOAT64(3, 64);

        final int tag;
        final int bits;

        Encoding(int tag, int bits) {
            this.tag = tag;
            this.bits = bits;
        }
    }

    private TestWavs() {
    }

    /** A sine of {@code freq} Hz and amplitude {@code amp}, {@code seconds} long. */
    static float[] sine(double freq, int rate, double seconds, double amp) {
        float[] s = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (amp * Math.sin(2 * Math.PI * freq * i / rate));
        }
        return s;
    }

    /** A complete WAV of {@code channels[c][frame]} samples in [-1, 1]. */
    static byte[] wav(Encoding enc, int rate, boolean extensible, float[]... channels) {
        int frames = channels[0].length;
        int bytes = enc.bits / 8;
        ByteBuffer data = ByteBuffer.allocate(frames * channels.length * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            for (float[] channel : channels) {
                write(data, enc, channel[i]);
            }
        }
        return riff(fmt(enc, rate, channels.length, extensible), chunk("data", data.array()));
    }

    static byte[] wav(Encoding enc, int rate, float[]... channels) {
        return wav(enc, rate, false, channels);
    }

    private static void write(ByteBuffer out, Encoding enc, float v) {
        switch (enc) {
            case PCM8 -> out.put((byte) (Math.round(v * 127) + 128));
            case PCM16 -> out.putShort((short) Math.round(v * 32767));
            case PCM24 -> {
                int s = Math.round(v * 8388607);
                out.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
            }
            case PCM32 -> out.putInt((int) Math.round(v * 2147483647.0));
            case FLOAT32 -> out.putFloat(v);
            case FLOAT64 -> out.putDouble(v);
            default -> throw new AssertionError(enc);
        }
    }

    /** A fmt chunk: WAVEFORMAT (16 bytes), or WAVEFORMATEXTENSIBLE (40 bytes) wrapping the tag. */
    static byte[] fmt(Encoding enc, int rate, int channels, boolean extensible) {
        int blockAlign = channels * enc.bits / 8;
        ByteBuffer b = ByteBuffer.allocate(extensible ? 40 : 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (extensible ? 0xFFFE : enc.tag)).putShort((short) channels).putInt(rate)
                .putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) enc.bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) enc.bits).putInt(channels == 2 ? 0x3 : 0x4);
            b.putShort((short) enc.tag); // sub-format GUID: {tag}-0000-0010-8000-00AA00389B71
            b.put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        return chunk("fmt ", b.array());
    }

    /** A fmt chunk with every field given, for lying headers. */
    static byte[] fmtRaw(int tag, int channels, int rate, int blockAlign, int bits) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bits);
        return chunk("fmt ", b.array());
    }

    /** A chunk whose size field is the body's true length, padded to even. */
    static byte[] chunk(String id, byte[] body) {
        return chunk(id, body.length, body);
    }

    /** A chunk with any declared size (a liar, if it differs from the body). */
    static byte[] chunk(String id, long declaredSize, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt((int) declaredSize).put(body);
        return b.array();
    }

    /** "RIFF", the size of what follows, "WAVE", then the chunks as given. */
    static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteBuffer b = ByteBuffer.allocate(8 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(body.size()).put(body.toByteArray());
        return b.array();
    }
}
