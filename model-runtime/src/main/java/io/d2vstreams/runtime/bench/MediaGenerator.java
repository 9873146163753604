package io.d2vstreams.runtime.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Seeded images and audio clips that make preprocessing do its real work: images of many sizes
 * and aspect ratios, mostly JPEG, some PNG (so decoding and resizing cost what they cost);
 * clips of log-normal duration (median 2 s, a tail to 12 s) at 16, 8 and 44.1 kHz, some stereo
 * (so runs pad, and clips are resampled and mixed down). Generated, never downloaded. Public
 * so that {@code d2v demo} produces the same traffic the encoder bench measures.
 */
public final class MediaGenerator {

    private static final int MIN_SIDE = 32;
    private static final int MAX_SIDE = 384;
    private static final double MEDIAN_SECONDS = 2.0;
    private static final double SIGMA = 0.7;
    private static final double MIN_SECONDS = 0.1;
    private static final double MAX_SECONDS = 12.0;

    private final SplittableRandom random;

    public MediaGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** {@code count} encoded images (JPEG or PNG). */
    public List<byte[]> images(int count) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(image());
        }
        return out;
    }

    /** {@code count} WAV files. */
    public List<byte[]> clips(int count) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(clip());
        }
        return out;
    }

    /** Smooth colour fields with a little noise: compresses like a photo, unlike pure noise. */
    private byte[] image() {
        int width = logUniformSide();
        int height = logUniformSide();
        double fx = random.nextDouble(0.01, 0.2);
        double fy = random.nextDouble(0.01, 0.2);
        double phase = random.nextDouble(0, 2 * Math.PI);
        int[] rgb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = clamp(128 + 100 * Math.sin(x * fx + phase) + random.nextInt(-12, 13));
                int g = clamp(128 + 100 * Math.cos(y * fy + phase) + random.nextInt(-12, 13));
                int b = clamp(128 + 100 * Math.sin((x + y) * (fx + fy) / 2) + random.nextInt(-12, 13));
                rgb[y * width + x] = r << 16 | g << 8 | b;
            }
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, rgb, 0, width);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, random.nextInt(5) == 0 ? "png" : "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a generated image", e);
        }
    }

    /** A RIFF/WAVE file of 16-bit PCM: two tones and noise. */
    private byte[] clip() {
        int[] rates = {16_000, 16_000, 16_000, 16_000, 16_000, 8_000, 44_100};
        int rate = rates[random.nextInt(rates.length)];
        int channels = random.nextInt(5) == 0 ? 2 : 1;
        double seconds = Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, MEDIAN_SECONDS * Math.exp(SIGMA * gaussian())));
        int frames = (int) Math.round(seconds * rate);
        double f1 = random.nextDouble(100, 400);
        double f2 = random.nextDouble(500, 3000);
        float[] samples = new float[frames];
        for (int i = 0; i < frames; i++) {
            double t = (double) i / rate;
            samples[i] = (float) (0.4 * Math.sin(2 * Math.PI * f1 * t) + 0.2 * Math.sin(2 * Math.PI * f2 * t)
                    + 0.05 * (random.nextDouble() * 2 - 1));
        }
        return WavBytes.pcm16(samples, rate, channels);
    }

    private int logUniformSide() {
        return (int) Math.round(Math.exp(random.nextDouble(Math.log(MIN_SIDE), Math.log(MAX_SIDE))));
    }

    private double gaussian() {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * random.nextDouble());
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
