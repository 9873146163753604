package io.d2vstreams.cli.bench;

import java.awt.image.BufferedImage;

/** What the plot tests look for in a chart: drawn series, not only a file. */
final class PngPixels {
    private PngPixels() {
    }

    /** Pixels of a saturated colour between two columns: series lines, markers and bars (text, axes and grid are grey). */
    static int coloured(BufferedImage image, int fromX, int toX) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 100) {
                    count++;
                }
            }
        }
        return count;
    }
}
