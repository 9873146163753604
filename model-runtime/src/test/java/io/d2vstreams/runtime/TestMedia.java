package io.d2vstreams.runtime;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Tiny real media for encoder tests: images encoded with ImageIO, WAV files written byte by byte. */
final class TestMedia {

    private TestMedia() {}

    /** A {@code width}×{@code height} image of smooth random colour blobs, encoded as {@code format} ("png", "jpg"). */
    static byte[] image(int width, int height, long seed, String format) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] phase = new double[6];
        Arrays.setAll(phase, i -> random.nextDouble(0, 2 * Math.PI));
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = channel(x * 0.11 + phase[0], y * 0.07 + phase[1]);
                int g = channel(x * 0.05 + phase[2], y * 0.13 + phase[3]);
                int b = channel(x * 0.17 + phase[4], y * 0.03 + phase[5]);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int channel(double u, double v) {
        return (int) Math.round(127.5 + 127.5 * Math.sin(u) * Math.cos(v));
    }

    /** {@code seconds} of a mixture of two tones and some noise, mono 16-bit PCM at {@code rate}. */
    static byte[] wav(double seconds, int rate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double f1 = random.nextDouble(150, 600);
        double f2 = random.nextDouble(800, 3000);
        int n = (int) Math.round(seconds * rate);
        ByteBuffer data = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double v = 0.4 * Math.sin(2 * Math.PI * f1 * t) + 0.2 * Math.sin(2 * Math.PI * f2 * t)
                    + 0.05 * random.nextDouble(-1, 1);
            data.putShort((short) Math.round(v * 32767));
        }
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(36 + 2 * n).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate)
                .putShort((short) 2).putShort((short) 16);
        b.put(ascii("data")).putInt(2 * n).put(data.array());
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
