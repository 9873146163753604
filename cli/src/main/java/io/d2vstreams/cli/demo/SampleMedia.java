package io.d2vstreams.cli.demo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The demo's deliberately bad images and clips, each showing one refusal with a deterministic
 * reason (the good ones come from {@link io.d2vstreams.cli.client.GeneratedMedia}).
 */
final class SampleMedia {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private SampleMedia() {
    }

    /** A 32×32 PNG whose pixel data is not a zlib stream: the header reads, the pixels do not. */
    static byte[] corruptPng() {
        byte[] garbage = new byte[64];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 97 + 13);
        }
        return pngDeclaring(32, 32, garbage);
    }

    /** A PNG header declaring 100000×100000 pixels: refused before any decoding. */
    static byte[] hugePngHeader() {
        return pngDeclaring(100_000, 100_000, new byte[]{0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    }

    /** A 31 s mono 8 kHz WAV: one second over the 30 s the default audio preprocessing accepts. */
    static byte[] tooLongClip() {
        int rate = 8_000;
        int frames = 31 * rate;
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * frames).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + 2 * frames).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
                .putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put(ascii("data")).putInt(2 * frames);
        for (int i = 0; i < frames; i++) {
            b.putShort((short) Math.round(8000 * Math.sin(2 * Math.PI * 220 * i / rate)));
        }
        return b.array();
    }

    /** Bytes that are no audio format at all. */
    static byte[] notAudio() {
        return "this is text, not a WAV file".getBytes(StandardCharsets.UTF_8);
    }

    /** IHDR with CRC (PNG spec 5.3, 11.2.2), one IDAT, IEND. */
    private static byte[] pngDeclaring(int width, int height, byte[] idat) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(PNG_SIGNATURE);
        png.writeBytes(chunk("IHDR", ihdr.array()));
        png.writeBytes(chunk("IDAT", idat));
        png.writeBytes(chunk("IEND", new byte[0]));
        return png.toByteArray();
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] typeBytes = ascii(type);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
