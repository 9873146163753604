package io.d2vstreams.runtime.image;

import static io.d2vstreams.runtime.preprocess.Refusals.refusal;
import static io.d2vstreams.runtime.preprocess.Refusals.succeedsOrRefuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.runtime.preprocess.PreprocessException.Reason;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ImageDecoder")
class ImageDecoderTest {

    private static final long MAX_PIXELS = ImagePreprocessorConfig.DEFAULT_MAX_PIXELS;
    private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS, ImagePreprocessorConfig.DEFAULT_MAX_BYTES);

    private static byte[] redPng() {
        return TestImages.encode(TestImages.solid(16, 16, BufferedImage.TYPE_INT_RGB, Color.RED), "png");
    }

    @Test
    @DisplayName("refuses a PNG whose IHDR declares 100000x100000 as TOO_MANY_PIXELS, quickly and without decoding")
    void refusesPngBombFromHeader() {
        byte[] bomb = TestImages.pngDeclaring(100_000, 100_000);
        assertThat(bomb.length).as("bomb size in bytes").isLessThan(200);
        // 30 GB of pixels if decoded: a pass here in well under the timeout, with the default
        // 2 GB test heap, shows the refusal came from the header alone.
        PreprocessException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> refusal(Reason.TOO_MANY_PIXELS, () -> decoder.decode(bomb)));
        assertThat(e.getMessage()).as("message")
                .isEqualTo("image header declares 100000x100000 = 10000000000 pixels; limit is 40000000");
    }

    @Test
    @DisplayName("refuses a JPEG whose SOF declares 60000x60000 as TOO_MANY_PIXELS")
    void refusesJpegBombFromHeader() {
        byte[] jpeg = TestImages.encode(TestImages.solid(16, 16, BufferedImage.TYPE_INT_RGB, Color.RED), "jpeg");
        byte[] bomb = TestImages.jpegDeclaring(jpeg, 60_000, 60_000);
        PreprocessException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> refusal(Reason.TOO_MANY_PIXELS, () -> decoder.decode(bomb)));
        assertThat(e.getMessage()).as("message").contains("60000x60000", "limit is " + MAX_PIXELS);
    }

    @Test
    @DisplayName("refuses as CORRUPT, quickly, a 36-byte lossless WebP declaring 13313x910 pixels that its decoder reads past the end of")
    void refusesWebpThatReadsPastItsEnd() {
        // Found by FuzzedRecordsTest (a seeded mutation of a 1x1 lossless WebP): the WebP reader took
        // the missing data for zeros, one caught EOFException per bit-buffer refill, for ten minutes.
        byte[] webp = java.util.HexFormat.of().parseHex(
                "524946461a000000574542505650384c0d0000002f0074e30050384c0d0000002f000000");
        PreprocessException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> refusal(Reason.CORRUPT, () -> decoder.decode(webp)));
        assertThat(e.getMessage()).as("says the data ends too soon").contains("read past the end of the 36-byte image");
    }

    @Test
    @DisplayName("decodes the 1x1 lossless and lossy WebP files of browsers' feature detection")
    void decodesSmallWebp() throws Exception {
        for (String base64 : new String[]{"UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==",
                "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"}) {
            ImageDecoder.Decoded decoded = decoder.decode(java.util.Base64.getDecoder().decode(base64));
            assertThat(decoded.info().width()).as("width").isEqualTo(1);
            assertThat(decoded.info().height()).as("height").isEqualTo(1);
        }
    }

    @Test
    @DisplayName("accepts an image exactly at the pixel limit and refuses one pixel more")
    void pixelLimitIsInclusive() throws Exception {
        ImageDecoder tight = new ImageDecoder(16 * 16, 1 << 20);
        assertThat(tight.decode(redPng()).info().width()).as("width at the limit").isEqualTo(16);
        ImageDecoder tighter = new ImageDecoder(16 * 16 - 1, 1 << 20);
        refusal(Reason.TOO_MANY_PIXELS, () -> tighter.decode(redPng()));
    }

    @Test
    @DisplayName("refuses empty bytes as EMPTY")
    void refusesEmpty() {
        assertThat(refusal(Reason.EMPTY, () -> decoder.decode(new byte[0])).getMessage())
                .as("message").isEqualTo("image is empty (0 bytes)");
    }

    @Test
    @DisplayName("refuses more bytes than the limit as TOO_LARGE before parsing")
    void refusesTooManyBytes() {
        ImageDecoder small = new ImageDecoder(MAX_PIXELS, 100);
        byte[] png = redPng();
        assertThat(refusal(Reason.TOO_LARGE, () -> small.decode(png)).getMessage())
                .as("message").isEqualTo("image is " + png.length + " bytes; limit is 100");
    }

    @Test
    @DisplayName("refuses garbage and a damaged signature as UNSUPPORTED_FORMAT, showing the bytes found")
    void refusesUnknownSignatures() {
        byte[] garbage = new byte[256];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0x00;
        assertThat(refusal(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode(garbage)).getMessage())
                .as("message").contains("no supported image signature", "00 ");
        byte[] wrongMagic = redPng();
        wrongMagic[1] = 'Q';
        refusal(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode(wrongMagic));
        refusal(Reason.UNSUPPORTED_FORMAT,
                () -> decoder.decode("<html>not an image</html>".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
    @DisplayName("refuses a truncated file as CORRUPT")
    void refusesTruncated(String format) {
        BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        byte[] whole = TestImages.encode(noise, format);
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
        PreprocessException e = refusal(Reason.CORRUPT, () -> decoder.decode(truncated));
        assertThat(e.getMessage()).as("message names the format").startsWith(ImageFormat.sniff(whole).orElseThrow().name());
    }

    @Test
    @DisplayName("refuses a PNG whose header is believable but whose pixel data is garbage as CORRUPT")
    void refusesGarbagePixelData() {
        byte[] png = TestImages.pngDeclaring(4000, 4000);
        refusal(Reason.CORRUPT, () -> decoder.decode(png));
    }

    @Test
    @DisplayName("refuses a signature followed by nothing usable as CORRUPT")
    void refusesSignatureOnly() {
        byte[] bmp = Arrays.copyOf("BM".getBytes(StandardCharsets.US_ASCII), 30);
        refusal(Reason.CORRUPT, () -> decoder.decode(bmp));
        byte[] webp = "RIFF\u0010\0\0\0WEBPVP8 \0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        refusal(Reason.CORRUPT, () -> decoder.decode(webp));
    }

    @Test
    @DisplayName("never throws anything but PreprocessException for randomly damaged images of every format")
    void survivesRandomDamage() {
        Random random = new Random(42);
        BufferedImage img = TestImages.horizontalGradient(24, 24);
        for (String format : new String[] {"png", "jpeg", "gif", "bmp"}) {
            byte[] valid = TestImages.encode(img, format);
            for (int round = 0; round < 60; round++) {
                byte[] damaged = valid.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
                byte[] input = random.nextBoolean() ? damaged : Arrays.copyOf(damaged, random.nextInt(damaged.length) + 1);
                succeedsOrRefuses(format + " round " + round, () -> decoder.decode(input));
            }
        }
    }

    @Test
    @DisplayName("decodes a lossless and a lossy WebP through the ImageIO plugin")
    void decodesWebp() throws Exception {
        for (String name : new String[] {"red-16x16-lossless.webp", "red-16x16-lossy.webp"}) {
            ImageDecoder.Decoded d = decoder.decode(TestImages.resource(name));
            assertThat(d.info()).as(name).isEqualTo(new ImageInfo(ImageFormat.WEBP, 16, 16));
        }
    }

    @Test
    @DisplayName("decodes a CMYK JPEG to RGB")
    void decodesCmykJpeg() throws Exception {
        ImageDecoder.Decoded d = decoder.decode(TestImages.resource("red-16x16-cmyk.jpg"));
        int rgb = d.image().getRGB(8, 8);
        assertThat(new int[] {rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF}).as("centre pixel of a red CMYK JPEG")
                .satisfies(c -> assertThat(c[0]).as("red").isGreaterThan(200))
                .satisfies(c -> assertThat(c[1]).as("green").isLessThan(60))
                .satisfies(c -> assertThat(c[2]).as("blue").isLessThan(60));
    }
}
