package io.d2vstreams.runtime.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("SeparableResizer")
class SeparableResizerTest {

    private static float[] resize(ResampleFilter filter, BufferedImage img, int dstW, int dstH) {
        float[] out = new float[3 * dstW * dstH];
        new SeparableResizer(filter).resize(new RgbRowReader(img, AlphaHandling.DROP),
                img.getWidth(), img.getHeight(), dstW, dstH, out);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ResampleFilter.class)
    @DisplayName("has weights that sum to one and stay inside the source, shrinking and enlarging")
    void tapsAreNormalised(ResampleFilter filter) {
        for (int[] sizes : new int[][] {{640, 224}, {224, 224}, {16, 224}, {3, 7}, {1000, 3}}) {
            SeparableResizer.Taps taps = SeparableResizer.Taps.of(filter, sizes[0], sizes[1]);
            for (int i = 0; i < sizes[1]; i++) {
                double sum = 0;
                for (int k = 0; k < taps.count[i]; k++) {
                    sum += taps.weights[i * taps.stride + k];
                }
                assertThat(sum).as("%s %d->%d: weight sum of output %d", filter, sizes[0], sizes[1], i)
                        .isCloseTo(1.0, within(1e-5));
                assertThat(taps.start[i]).as("first tap of output %d", i).isBetween(0, sizes[0] - 1);
                assertThat(taps.end(i)).as("end of output %d", i).isBetween(1, sizes[0]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ResampleFilter.class)
    @DisplayName("keeps a solid colour exactly, whatever the filter and direction")
    void solidStaysSolid(ResampleFilter filter) {
        BufferedImage img = TestImages.solid(37, 23, BufferedImage.TYPE_INT_RGB, new Color(10, 128, 250));
        for (int[] size : new int[][] {{224, 224}, {8, 5}, {100, 3}}) {
            float[] out = resize(filter, img, size[0], size[1]);
            int plane = size[0] * size[1];
            for (int i = 0; i < plane; i++) {
                assertThat(new float[] {out[i], out[plane + i], out[2 * plane + i]})
                        .as("%s to %dx%d, pixel %d", filter, size[0], size[1], i).containsExactly(10f, 128f, 250f);
            }
        }
    }

    @Test
    @DisplayName("averages away a one-pixel checkerboard when shrinking (no aliasing), unlike point sampling")
    void shrinkingAverages() {
        BufferedImage checker = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                checker.setRGB(x, y, (x + y) % 2 == 0 ? 0xFFFFFF : 0);
            }
        }
        float[] bicubic = resize(ResampleFilter.BICUBIC, checker, 16, 16);
        for (int i = 16 * 16 + 17; i < 2 * 16 * 16 - 17; i++) {
            assertThat(bicubic[i]).as("bicubic 4:1 of a checkerboard, pixel %d", i).isCloseTo(127.5f, within(8f));
        }
        float[] nearest = resize(ResampleFilter.NEAREST, checker, 16, 16);
        assertThat(nearest[16 * 16 + 20]).as("nearest picks a black or white pixel").isIn(0f, 255f);
    }

    @Test
    @DisplayName("resizes an extremely tall, narrow image quickly by doing columns first")
    void tallNarrowImage() {
        BufferedImage tall = new BufferedImage(1, 200_000, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < tall.getHeight(); y++) {
            tall.setRGB(0, y, y < 100_000 ? 0x000000 : 0xFFFFFF);
        }
        float[] out = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> resize(ResampleFilter.BICUBIC, tall, 224, 224));
        assertThat(out[10 * 224 + 100]).as("top half stays black").isEqualTo(0f);
        assertThat(out[200 * 224 + 7]).as("bottom half stays white").isEqualTo(255f);
    }
}
