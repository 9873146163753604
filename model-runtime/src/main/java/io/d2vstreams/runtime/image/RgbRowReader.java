package io.d2vstreams.runtime.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;

/**
 * Reads a decoded image one row at a time as R, G, B values in [0, 255], whatever its colour
 * model: greyscale, palette, RGB, RGBA, 16 bits per sample, or another colour space.
 *
 * <p>Three paths, chosen once per image:
 * <ul>
 *   <li>grey samples are copied to R, G and B as stored. Not {@link BufferedImage#getRGB}:
 *       Java tags decoded greyscale with the linear CS_GRAY space and "converts" it to sRGB,
 *       turning a stored 128 into 188, while every other tool (and the training data) treats
 *       the stored value as the brightness;</li>
 *   <li>sRGB samples are read straight from the raster, scaled from their bit depth;</li>
 *   <li>anything else (palette, CMYK already converted by the decoder, ICC-tagged spaces)
 *       goes through {@code getRGB}, which applies the colour model's conversion to sRGB.</li>
 * </ul>
 * Alpha is then handled per {@link AlphaHandling}. Not thread-safe: it owns a row buffer.
 */
final class RgbRowReader {

    private enum Path { GREY, SRGB, CONVERT }

    private final BufferedImage image;
    private final Raster raster;
    private final int width;
    private final Path path;
    private final int bands;
    private final boolean composite;
    /** Multiplier from a stored sample to 0..255, per band (colour bands, then alpha). */
    private final float[] toByteScale;
    private final int[] row;

    RgbRowReader(BufferedImage image, AlphaHandling alphaHandling) {
        this.image = image;
        this.raster = image.getRaster();
        this.width = image.getWidth();
        ColorModel cm = image.getColorModel();
        this.composite = cm.hasAlpha() && alphaHandling == AlphaHandling.COMPOSITE_ON_WHITE;
        this.path = choosePath(cm, raster);
        this.bands = path == Path.CONVERT ? 4 : cm.getNumComponents();
        this.toByteScale = new float[bands];
        if (path == Path.CONVERT) {
            java.util.Arrays.fill(toByteScale, 1f);
        } else {
            for (int b = 0; b < bands; b++) {
                toByteScale[b] = 255f / ((1 << cm.getComponentSize(b)) - 1);
            }
        }
        this.row = new int[path == Path.CONVERT ? width : width * bands];
    }

    private static Path choosePath(ColorModel cm, Raster raster) {
        boolean plainSamples = (cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
                && !cm.isAlphaPremultiplied()
                && raster.getNumBands() == cm.getNumComponents()
                && isIntegral(raster.getTransferType());
        if (!plainSamples) {
            return Path.CONVERT;
        }
        for (int b = 0; b < cm.getNumComponents(); b++) {
            int bits = cm.getComponentSize(b);
            if (bits < 1 || bits > 16) {
                return Path.CONVERT;
            }
        }
        ColorSpace cs = cm.getColorSpace();
        if (cs.getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) {
            return Path.GREY;
        }
        if (cs.isCS_sRGB() && cm.getNumColorComponents() == 3) {
            return Path.SRGB;
        }
        return Path.CONVERT;
    }

    private static boolean isIntegral(int transferType) {
        return transferType == DataBuffer.TYPE_BYTE || transferType == DataBuffer.TYPE_USHORT
                || transferType == DataBuffer.TYPE_INT;
    }

    /** Fills r, g, b (each at least the image width long) with row {@code y}. */
    void readRow(int y, float[] r, float[] g, float[] b) {
        if (path == Path.CONVERT) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                float a = composite ? (argb >>> 24) / 255f : 1f;
                r[x] = over((argb >> 16) & 0xFF, a);
                g[x] = over((argb >> 8) & 0xFF, a);
                b[x] = over(argb & 0xFF, a);
            }
            return;
        }
        raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
        int colours = path == Path.GREY ? 1 : 3;
        for (int x = 0, i = 0; x < width; x++, i += bands) {
            float a = composite ? row[i + colours] * toByteScale[colours] / 255f : 1f;
            if (path == Path.GREY) {
                float v = over(row[i] * toByteScale[0], a);
                r[x] = v;
                g[x] = v;
                b[x] = v;
            } else {
                r[x] = over(row[i] * toByteScale[0], a);
                g[x] = over(row[i + 1] * toByteScale[1], a);
                b[x] = over(row[i + 2] * toByteScale[2], a);
            }
        }
    }

    /** Porter-Duff "over" onto opaque white: v*a + 255*(1-a); a is 1 when alpha is ignored. */
    private static float over(float v, float a) {
        return v * a + 255f * (1f - a);
    }
}
