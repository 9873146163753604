package io.d2vstreams.runtime.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("ImageFormat")
class ImageFormatTest {

    @ParameterizedTest(name = "{0} written by ImageIO is recognised as {1}")
    @CsvSource({"png, PNG", "jpeg, JPEG", "gif, GIF", "bmp, BMP"})
    @DisplayName("recognises each format by its signature")
    void sniffsWrittenImages(String writer, ImageFormat expected) {
        byte[] bytes = TestImages.encode(TestImages.solid(16, 16, BufferedImage.TYPE_INT_RGB, Color.RED), writer);
        assertThat(ImageFormat.sniff(bytes)).as("format of a %s file", writer).contains(expected);
    }

    @Test
    @DisplayName("recognises WebP by its RIFF form type")
    void sniffsWebp() {
        assertThat(ImageFormat.sniff(TestImages.resource("red-16x16-lossless.webp"))).as("webp").contains(ImageFormat.WEBP);
    }

    @Test
    @DisplayName("recognises nothing in text, empty input, a RIFF/WAVE file or a bare \"BM\"")
    void sniffsNothingElse() {
        assertThat(ImageFormat.sniff("hello world".getBytes(StandardCharsets.US_ASCII))).as("text").isEmpty();
        assertThat(ImageFormat.sniff(new byte[0])).as("empty").isEmpty();
        assertThat(ImageFormat.sniff("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII))).as("wav").isEmpty();
        assertThat(ImageFormat.sniff("BMW".getBytes(StandardCharsets.US_ASCII))).as("BMW").isEmpty();
    }

    @Test
    @DisplayName("matches MIME types case-insensitively, with parameters and aliases")
    void matchesMime() {
        assertThat(ImageFormat.JPEG.matchesMime("image/JPEG; q=0.9")).as("image/JPEG; q=0.9").isTrue();
        assertThat(ImageFormat.JPEG.matchesMime("image/jpg")).as("image/jpg alias").isTrue();
        assertThat(ImageFormat.BMP.matchesMime("image/x-ms-bmp")).as("image/x-ms-bmp alias").isTrue();
        assertThat(ImageFormat.PNG.matchesMime("image/jpeg")).as("png vs image/jpeg").isFalse();
        assertThat(ImageFormat.PNG.matchesMime(null)).as("null").isFalse();
    }
}
