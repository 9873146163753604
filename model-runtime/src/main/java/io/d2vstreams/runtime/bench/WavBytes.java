package io.d2vstreams.runtime.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Generated audio as the bytes of a RIFF/WAVE file of 16-bit PCM, what producers send. */
public final class WavBytes {
    private static final int HEADER_BYTES = 44;

    private WavBytes() {
    }

    /**
     * @param samples one channel in [-1, 1] (clipped beyond), written to every channel
     * @param rate    samples per second
     */
    public static byte[] pcm16(float[] samples, int rate, int channels) {
        if (channels < 1 || rate < 1) {
            throw new IllegalArgumentException("channels and rate must be positive, got " + channels + " and " + rate);
        }
        int dataBytes = Math.multiplyExact(samples.length, channels * 2);
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        b.put(ascii("data")).putInt(dataBytes);
        for (float v : samples) {
            short pcm = (short) Math.round(Math.max(-1f, Math.min(1f, v)) * 32767);
            for (int c = 0; c < channels; c++) {
                b.putShort(pcm);
            }
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
