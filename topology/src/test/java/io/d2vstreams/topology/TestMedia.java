package io.d2vstreams.topology;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Tiny real images and clips for the media path tests, made in code. */
final class TestMedia {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private TestMedia() {
    }

    /** A 16×16 RGB PNG written by ImageIO; {@code seed} varies the colours. */
    static byte[] png(int seed) {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, ((x * 16 + seed * 37) & 0xff) << 16 | ((y * 16 + seed * 11) & 0xff) << 8 | (seed * 53 & 0xff));
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code side}×{@code side} PNG of seeded noise: incompressible, so about 3·side² bytes. */
    static byte[] noisyPng(int side, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PNG whose IHDR (CRC-correct, so a reader believes it, PNG spec 5.3 and 11.2.2)
     * declares {@code width x height} 8-bit RGB, with {@code idat} as the compressed pixel data.
     */
    static byte[] pngDeclaring(int width, int height, byte[] idat) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(PNG_SIGNATURE);
        png.writeBytes(chunk("IHDR", ihdr.array()));
        png.writeBytes(chunk("IDAT", idat));
        png.writeBytes(chunk("IEND", new byte[0]));
        return png.toByteArray();
    }

    /** A 16×16 PNG whose pixel data is not a zlib stream: the header reads, the pixels do not. */
    static byte[] corruptPng() {
        byte[] garbage = new byte[64];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 97 + 13);
        }
        return pngDeclaring(16, 16, garbage);
    }

    /** A PNG header declaring 100000×100000 pixels (10^10): must be refused before decoding. */
    static byte[] hugePngHeader() {
        return pngDeclaring(100_000, 100_000, new byte[]{0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    }

    /** A mono 16-bit PCM WAV of a {@code hz} tone lasting {@code seconds} at {@code rate} Hz. */
    static byte[] wav(double seconds, int rate, double hz) {
        int frames = (int) Math.round(seconds * rate);
        int dataBytes = frames * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
                .putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put(ascii("data")).putInt(dataBytes);
        for (int i = 0; i < frames; i++) {
            b.putShort((short) Math.round(0.4 * 32767 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        return b.array();
    }

    /** 0.5 s at 16 kHz: the size of a real short utterance. */
    static byte[] halfSecondWav(double hz) {
        return wav(0.5, 16_000, hz);
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
