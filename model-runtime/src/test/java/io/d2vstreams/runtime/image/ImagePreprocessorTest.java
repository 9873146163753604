package io.d2vstreams.runtime.image;

import static io.d2vstreams.runtime.preprocess.Refusals.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;
import java.awt.Color;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("ImagePreprocessor")
class ImagePreprocessorTest {

    private static final int SIZE = 224;
    private static final int PLANE = SIZE * SIZE;
    /** Defaults: 224x224, rescale 1/255, mean 0.5, std 0.5, so 0 -> -1 and 255 -> 1. */
    private final ImagePreprocessor defaults = new ImagePreprocessor(ImagePreprocessorConfig.defaults());

    /** Min and max of channel c. */
    private static float[] range(float[] chw, int c, int plane) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int i = c * plane; i < (c + 1) * plane; i++) {
            min = Math.min(min, chw[i]);
            max = Math.max(max, chw[i]);
        }
        return new float[] {min, max};
    }

    private static void assertChannel(float[] chw, int c, float expected, float tolerance, String what) {
        float[] r = range(chw, c, chw.length / 3);
        assertThat(r[0]).as("%s: min of channel %d", what, c).isCloseTo(expected, within(tolerance));
        assertThat(r[1]).as("%s: max of channel %d", what, c).isCloseTo(expected, within(tolerance));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"png, PNG, 0.0001", "gif, GIF, 0.0001", "bmp, BMP, 0.0001", "jpeg, JPEG, 0.03"})
    @DisplayName("turns a solid red 16x16 image into R=1, G=B=-1 with mean 0.5 and std 0.5")
    void solidRed(String writer, ImageFormat format, float tolerance) throws Exception {
        byte[] bytes = TestImages.encode(TestImages.solid(16, 16, BufferedImage.TYPE_INT_RGB, Color.RED), writer);
        FloatBuffer dst = FloatBuffer.allocate(defaults.outputLength());
        ImageInfo info = defaults.preprocessInto(bytes, dst);
        assertThat(info).as("info").isEqualTo(new ImageInfo(format, 16, 16));
        float[] chw = dst.array();
        assertThat(chw).as("output length 3x224x224").hasSize(3 * PLANE);
        assertChannel(chw, 0, 1f, tolerance, writer + " red");
        assertChannel(chw, 1, -1f, tolerance, writer + " green");
        assertChannel(chw, 2, -1f, tolerance, writer + " blue");
    }

    @Test
    @DisplayName("turns WebP (lossless and lossy) and a CMYK JPEG into the same red")
    void webpAndCmyk() throws Exception {
        float[] lossless = defaults.preprocess(TestImages.resource("red-16x16-lossless.webp"));
        assertChannel(lossless, 0, 1f, 1e-6f, "lossless webp red");
        assertChannel(lossless, 1, -1f, 1e-6f, "lossless webp green");
        float[] lossy = defaults.preprocess(TestImages.resource("red-16x16-lossy.webp"));
        assertChannel(lossy, 0, 1f, 0.03f, "lossy webp red");
        assertChannel(lossy, 2, -1f, 0.03f, "lossy webp blue");
        float[] cmyk = defaults.preprocess(TestImages.resource("red-16x16-cmyk.jpg"));
        assertThat(range(cmyk, 0, PLANE)[0]).as("CMYK red channel min").isGreaterThan(0.6f);
        assertThat(range(cmyk, 1, PLANE)[1]).as("CMYK green channel max").isLessThan(-0.6f);
    }

    @Test
    @DisplayName("lays the output out channel-major with rows of the configured width")
    void chwLayout() throws Exception {
        // Left half red, right half blue, at the output size so no resampling blurs the edge.
        BufferedImage img = TestImages.solid(48, 32, BufferedImage.TYPE_INT_RGB, Color.RED);
        for (int y = 0; y < 32; y++) {
            for (int x = 24; x < 48; x++) {
                img.setRGB(x, y, 0x0000FF);
            }
        }
        ImagePreprocessor p = new ImagePreprocessor(ImagePreprocessorConfig.defaults().withSize(32, 48));
        float[] chw = p.preprocess(TestImages.encode(img, "png"));
        int plane = 32 * 48;
        assertThat(chw).as("length").hasSize(3 * plane);
        int y = 5;
        assertThat(chw[y * 48 + 3]).as("R at (5, 3)").isEqualTo(1f);
        assertThat(chw[2 * plane + y * 48 + 3]).as("B at (5, 3)").isEqualTo(-1f);
        assertThat(chw[y * 48 + 40]).as("R at (5, 40)").isEqualTo(-1f);
        assertThat(chw[2 * plane + y * 48 + 40]).as("B at (5, 40)").isEqualTo(1f);
    }

    @Test
    @DisplayName("keeps an 8-bit grey value as stored, in all three channels (no linear-grey gamma shift)")
    void greyscale() throws Exception {
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = grey.getRaster();
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                r.setSample(x, y, 0, 128);
            }
        }
        float[] chw = defaults.preprocess(TestImages.encode(grey, "png"));
        float expected = (128f / 255f - 0.5f) / 0.5f;
        for (int c = 0; c < 3; c++) {
            assertChannel(chw, c, expected, 1e-5f, "grey 128");
        }
    }

    @Test
    @DisplayName("scales a 16-bit grey PNG to 8-bit brightness")
    void greyscale16() throws Exception {
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = grey.getRaster();
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                r.setSample(x, y, 0, 0x8080); // 32896 = 128 * 257
            }
        }
        float[] chw = defaults.preprocess(TestImages.encode(grey, "png"));
        assertChannel(chw, 1, (128f / 255f - 0.5f) / 0.5f, 1e-5f, "16-bit grey");
    }

    @Test
    @DisplayName("composites grey+alpha onto white: a half-transparent black becomes mid grey")
    void greyWithAlpha() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(16, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                raster.setPixel(x, y, new int[] {0, 128});
            }
        }
        byte[] png = TestImages.encode(new BufferedImage(cm, raster, false, null), "png");
        float[] chw = defaults.preprocess(png);
        // 0 * 128/255 + 255 * (1 - 128/255) = 127 -> (127/255 - 0.5) / 0.5
        assertChannel(chw, 0, (127f / 255f - 0.5f) / 0.5f, 1e-5f, "grey+alpha");
    }

    @Test
    @DisplayName("reads a palette image through its colour table")
    void palette() throws Exception {
        byte[] reds = {(byte) 255, 0};
        byte[] greens = {0, (byte) 255};
        byte[] blues = {0, 0};
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, reds, greens, blues));
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.getRaster().setSample(x, y, 0, 1); // all green
            }
        }
        float[] chw = defaults.preprocess(TestImages.encode(img, "png"));
        assertChannel(chw, 0, -1f, 1e-6f, "palette red");
        assertChannel(chw, 1, 1f, 1e-6f, "palette green");
    }

    @Test
    @DisplayName("composites transparent pixels on white by default, or keeps their stored colour with DROP")
    void alpha() throws Exception {
        // Fully transparent black: what most encoders store under transparency.
        byte[] transparent = TestImages.encode(
                TestImages.solid(16, 16, BufferedImage.TYPE_INT_ARGB, new Color(0, 0, 0, 0)), "png");
        assertChannel(defaults.preprocess(transparent), 0, 1f, 1e-6f, "transparent on white");
        ImagePreprocessor drop = new ImagePreprocessor(ImagePreprocessorConfig.defaults().withAlpha(AlphaHandling.DROP));
        assertChannel(drop.preprocess(transparent), 0, -1f, 1e-6f, "transparent, alpha dropped");

        byte[] halfRed = TestImages.encode(
                TestImages.solid(16, 16, BufferedImage.TYPE_INT_ARGB, new Color(255, 0, 0, 51)), "png");
        float[] chw = defaults.preprocess(halfRed);
        // 20 % red over white: R = 255, G = B = 255 * 0.8 = 204
        assertChannel(chw, 0, 1f, 1e-5f, "20% red over white, R");
        assertChannel(chw, 1, (204f / 255f - 0.5f) / 0.5f, 1e-5f, "20% red over white, G");
    }

    @Test
    @DisplayName("resizes a horizontal gradient to a monotonic ramp from black to red, the same on every row")
    void gradientResize() throws Exception {
        ImagePreprocessor plain = new ImagePreprocessor(ImagePreprocessorConfig.defaults()
                .withNormalization(new float[] {0, 0, 0}, new float[] {1, 1, 1}));
        for (int[] size : new int[][] {{640, 480}, {64, 16}}) {
            byte[] png = TestImages.encode(TestImages.horizontalGradient(size[0], size[1]), "png");
            float[] chw = plain.preprocess(png);
            for (int y : new int[] {0, SIZE / 2, SIZE - 1}) {
                float[] row = Arrays.copyOfRange(chw, y * SIZE, (y + 1) * SIZE);
                for (int x = 1; x < SIZE; x++) {
                    assertThat(row[x]).as("%dx%d row %d: value at x=%d vs x-1", size[0], size[1], y, x)
                            .isGreaterThanOrEqualTo(row[x - 1]);
                }
                assertThat(row[0]).as("%dx%d left edge", size[0], size[1]).isLessThan(0.02f);
                assertThat(row[SIZE - 1]).as("%dx%d right edge", size[0], size[1]).isGreaterThan(0.98f);
                assertThat((row[SIZE / 2 - 1] + row[SIZE / 2]) / 2).as("%dx%d middle", size[0], size[1])
                        .isCloseTo(0.5f, within(0.02f));
                assertThat(Arrays.copyOfRange(chw, y * SIZE, (y + 1) * SIZE)).as("row %d equals row 0", y)
                        .containsExactly(Arrays.copyOfRange(chw, 0, SIZE));
            }
            assertChannel(chw, 1, 0f, 0f, size[0] + "x" + size[1] + " green");
        }
    }

    @Test
    @DisplayName("writes at the buffer's position, advances it, and leaves it untouched on a refusal")
    void preprocessIntoDirectBuffer() throws Exception {
        int n = defaults.outputLength();
        FloatBuffer dst = ByteBuffer.allocateDirect(4 * (2 * n + 1)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        dst.put(42f);
        byte[] red = TestImages.encode(TestImages.solid(16, 16, BufferedImage.TYPE_INT_RGB, Color.RED), "png");
        defaults.preprocessInto(red, dst);
        assertThat(dst.position()).as("position after one image").isEqualTo(1 + n);
        refusal(Reason.EMPTY, () -> defaults.preprocessInto(new byte[0], dst));
        assertThat(dst.position()).as("position after a refusal").isEqualTo(1 + n);
        defaults.preprocessInto(red, dst);
        assertThat(dst.position()).as("position after two images").isEqualTo(1 + 2 * n);
        assertThat(dst.get(0)).as("value before the first image").isEqualTo(42f);
        assertThat(dst.get(1)).as("first R").isEqualTo(1f);
        assertThat(dst.get(1 + n + 2 * PLANE)).as("second image, first B").isEqualTo(-1f);
        assertThatThrownBy(() -> defaults.preprocessInto(red, dst)).as("a full buffer")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need " + n);
    }

    @Test
    @DisplayName("reports the format found, which may disagree with the declared MIME type")
    void reportsFormatFound() throws Exception {
        byte[] png = TestImages.encode(TestImages.solid(16, 16, BufferedImage.TYPE_INT_RGB, Color.RED), "png");
        ImageInfo info = defaults.preprocessInto(png, FloatBuffer.allocate(defaults.outputLength()));
        assertThat(info.format()).as("format").isEqualTo(ImageFormat.PNG);
        assertThat(info.agreesWith("image/jpeg")).as("agrees with image/jpeg").isFalse();
        assertThat(info.agreesWith("image/png")).as("agrees with image/png").isTrue();
        assertThat(info.agreesWith(null)).as("agrees with no claim").isTrue();
    }

    @Test
    @DisplayName("with resizing off, takes an image of exactly the model's size and refuses any other as WRONG_DIMENSIONS")
    void noResize() throws Exception {
        ImagePreprocessorConfig base = ImagePreprocessorConfig.defaults();
        ImagePreprocessorConfig noResize = new ImagePreprocessorConfig(16, 16, false, base.resample(), true,
                base.rescaleFactor(), true, base.mean(), base.std(), base.alpha(), base.maxPixels(), base.maxBytes());
        ImagePreprocessor p = new ImagePreprocessor(noResize);
        BufferedImage gradient = TestImages.horizontalGradient(16, 16);
        float[] chw = p.preprocess(TestImages.encode(gradient, "png"));
        assertThat(chw[15]).as("right edge is exact").isEqualTo(1f);
        assertThat(chw[0]).as("left edge is exact").isEqualTo(-1f);
        PreprocessException e = refusal(Reason.WRONG_DIMENSIONS,
                () -> p.preprocess(TestImages.encode(TestImages.horizontalGradient(20, 16), "png")));
        assertThat(e.getMessage()).as("message").contains("20x16", "16x16");
    }
}
