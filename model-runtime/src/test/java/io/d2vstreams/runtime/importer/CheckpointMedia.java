package io.d2vstreams.runtime.importer;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Tiny real media for the import round trips: a seeded noise PNG and a tone-plus-noise 16-bit WAV. */
final class CheckpointMedia {

    private CheckpointMedia() {}

    static byte[] png(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
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

    /** Mono 16-bit PCM: the canonical 44-byte RIFF header, then the samples. */
    static byte[] wav(double seconds, int rate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = (int) Math.round(seconds * rate);
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + 2 * n).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate)
                .putShort((short) 2).putShort((short) 16);
        b.put(ascii("data")).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            double v = 0.4 * Math.sin(2 * Math.PI * 440 * i / rate) + 0.05 * (random.nextDouble() * 2 - 1);
            b.putShort((short) Math.round(v * 32767));
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
