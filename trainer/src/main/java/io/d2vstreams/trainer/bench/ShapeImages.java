package io.d2vstreams.trainer.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Seeded 64×64 PNGs of one filled, upright shape — a circle, a square or a triangle — light on a
 * dark shaded background: the IMAGE probe task of {@link LinearProbeBench}. The label is the shape;
 * nothing else carries it. Position, colours and background are drawn independently of the class;
 * the shape's area is drawn from one distribution for all three (its size is solved from the area)
 * and every shape lies wholly inside the image, so the fraction of foreground pixels and the colour
 * statistics are the same for every class. What tells the classes apart is how the foreground is
 * arranged across neighbouring patches, which the seeded encoder's near-linear patch projection
 * followed by mean pooling averages away (its probe scores chance, 0.35 to 0.37), and which masked
 * prediction on the unlabelled images has to learn to fill a masked patch.
 *
 * <p>Why upright and light on dark: with random rotations and arbitrary colours (a shape darker or
 * lighter than its background) the probe stayed at chance after 300 to 1000 steps of training too,
 * so the task measured nothing on the tiny encoder.
 *
 * <p>Pixels are computed directly (no Java2D), 2×2 supersampled at the edges, so the same seed
 * gives the same bytes on every JVM. {@link #next} gives the unlabelled images a trainer learns
 * from, {@link #labelled} the probe's balanced labelled set.
 */
public final class ShapeImages {

    /** A probe image and its shape. */
    public record Labelled(byte[] image, int label) {}

    /** The shapes, in label order. */
    public enum Shape {
        CIRCLE,
        SQUARE,
        TRIANGLE
    }

    /** Number of labels: one per {@link Shape}. */
    public static final int CLASSES = Shape.values().length;

    /** Side of every image, the seeded vision default's {@code image_size}. */
    public static final int SIDE = 64;

    /** Shape area as a fraction of the image, drawn uniformly between these. */
    static final double MIN_AREA = 0.05;
    static final double MAX_AREA = 0.16;
    /** Width of the channel ranges of the dark backgrounds and the light shapes. */
    private static final int DARK = 80;
    private static final int NOISE = 10;

    private final SplittableRandom random;

    public ShapeImages(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** {@code count} unlabelled images, each shape with probability 1/3. */
    public List<byte[]> next(int count) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(png(render(Shape.values()[random.nextInt(CLASSES)])));
        }
        return out;
    }

    /** {@code count} labelled images, the shapes in turn (circle, square, triangle, circle ...), so labels are balanced. */
    public List<Labelled> labelled(int count) {
        List<Labelled> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Shape shape = Shape.values()[i % CLASSES];
            out.add(new Labelled(png(render(shape)), shape.ordinal()));
        }
        return out;
    }

    /** One image's pixels, {@code 0xRRGGBB} row-major. */
    private int[] render(Shape shape) {
        double area = random.nextDouble(MIN_AREA, MAX_AREA) * SIDE * SIDE;
        // The triangle's circumradius, the largest of the three for one area: no shape is ever cut
        // by the border, and where it sits says nothing of its class.
        double margin = size(Shape.TRIANGLE, area);
        double cx = random.nextDouble(margin, SIDE - margin);
        double cy = random.nextDouble(margin, SIDE - margin);
        int[] coverage = coverage(shape, area, cx, cy);
        int[] bgA = dark();
        int[] bgB = dark();
        double gradient = random.nextDouble(0, 2 * Math.PI);
        int[] fg = light();
        int[] rgb = new int[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double t = 0.5 + 0.5 * ((x - SIDE / 2.0) * Math.cos(gradient) + (y - SIDE / 2.0) * Math.sin(gradient))
                        / (SIDE / Math.sqrt(2));
                int[] c = mix(mix(bgA, bgB, t), fg, coverage[y * SIDE + x] / 4.0);
                int r = clamp(c[0] + random.nextInt(-NOISE, NOISE + 1));
                int g = clamp(c[1] + random.nextInt(-NOISE, NOISE + 1));
                int b = clamp(c[2] + random.nextInt(-NOISE, NOISE + 1));
                rgb[y * SIDE + x] = r << 16 | g << 8 | b;
            }
        }
        return rgb;
    }

    /**
     * How much of each pixel the shape covers, in quarters (2×2 samples per pixel), row-major.
     *
     * @param area in pixels
     */
    static int[] coverage(Shape shape, double area, double cx, double cy) {
        double size = size(shape, area);
        int[] out = new int[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                for (int s = 0; s < 4; s++) {
                    double px = x + 0.25 + 0.5 * (s & 1) - cx;
                    double py = y + 0.25 + 0.5 * (s >> 1) - cy;
                    if (contains(shape, px, py, size)) {
                        out[y * SIDE + x]++;
                    }
                }
            }
        }
        return out;
    }

    /** The circle's radius, half the square's side, the triangle's circumradius: each from the same area. */
    private static double size(Shape shape, double area) {
        return switch (shape) {
            case CIRCLE -> Math.sqrt(area / Math.PI);
            case SQUARE -> Math.sqrt(area) / 2;
            case TRIANGLE -> Math.sqrt(area * 4 / (3 * Math.sqrt(3)));
        };
    }

    private static boolean contains(Shape shape, double u, double v, double size) {
        return switch (shape) {
            case CIRCLE -> u * u + v * v <= size * size;
            case SQUARE -> Math.abs(u) <= size && Math.abs(v) <= size;
            case TRIANGLE -> {
                // Equilateral, circumradius `size`, centred: inside the three half-planes at distance size/2.
                boolean in = true;
                for (int k = 0; k < 3; k++) {
                    double a = Math.PI / 2 + k * 2 * Math.PI / 3;
                    in &= u * Math.cos(a) + v * Math.sin(a) <= size / 2;
                }
                yield in;
            }
        };
    }

    /** A background colour: each channel in [0, 80). */
    private int[] dark() {
        return new int[] {random.nextInt(DARK), random.nextInt(DARK), random.nextInt(DARK)};
    }

    /** A shape colour: each channel in [176, 256). */
    private int[] light() {
        return new int[] {256 - DARK + random.nextInt(DARK), 256 - DARK + random.nextInt(DARK),
            256 - DARK + random.nextInt(DARK)};
    }

    private static int[] mix(int[] a, int[] b, double t) {
        double w = Math.max(0, Math.min(1, t));
        return new int[] {(int) Math.round(a[0] + (b[0] - a[0]) * w), (int) Math.round(a[1] + (b[1] - a[1]) * w),
            (int) Math.round(a[2] + (b[2] - a[2]) * w)};
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static byte[] png(int[] rgb) {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, SIDE, SIDE, rgb, 0, SIDE);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a generated image", e);
        }
    }
}
