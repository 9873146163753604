package io.d2vstreams.runtime.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ImagePreprocessorConfig")
class ImagePreprocessorConfigTest {

    @TempDir
    Path dir;

    private Path json(String content) throws IOException {
        return Files.writeString(dir.resolve("preprocessor_config.json"), content);
    }

    @Test
    @DisplayName("defaults to the data2vec-vision preprocessing: 224x224, bicubic, 1/255, mean and std 0.5")
    void defaults() {
        ImagePreprocessorConfig c = ImagePreprocessorConfig.defaults();
        assertThat(c.height()).as("height").isEqualTo(224);
        assertThat(c.width()).as("width").isEqualTo(224);
        assertThat(c.resample()).as("resample").isEqualTo(ResampleFilter.BICUBIC);
        assertThat(c.rescaleFactor()).as("rescale").isEqualTo(1.0 / 255);
        assertThat(c.mean()).as("mean").containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(c.std()).as("std").containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(c.outputLength()).as("output length").isEqualTo(3 * 224 * 224);
    }

    @Test
    @DisplayName("reads a BEiT-style preprocessor_config.json")
    void readsBeitConfig() throws IOException {
        Path file = json("""
                {"crop_size": 224, "do_center_crop": false, "do_normalize": true, "do_resize": true,
                 "feature_extractor_type": "BeitFeatureExtractor", "image_mean": [0.485, 0.456, 0.406],
                 "image_std": [0.229, 0.224, 0.225], "reduce_labels": false, "resample": 2, "size": 256,
                 "rescale_factor": 0.00392156862745098}
                """);
        ImagePreprocessorConfig c = ImagePreprocessorConfig.fromPreprocessorConfigJson(file);
        assertThat(c.height()).as("height").isEqualTo(256);
        assertThat(c.width()).as("width").isEqualTo(256);
        assertThat(c.resample()).as("resample 2").isEqualTo(ResampleFilter.BILINEAR);
        assertThat(c.mean()).as("mean").containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(c.std()).as("std").containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(c.doNormalize()).as("do_normalize").isTrue();
        assertThat(c.maxPixels()).as("limits are ours").isEqualTo(ImagePreprocessorConfig.DEFAULT_MAX_PIXELS);
    }

    @Test
    @DisplayName("reads size as {height, width} and keeps defaults for missing keys")
    void readsSizeObject() throws IOException {
        ImagePreprocessorConfig c = ImagePreprocessorConfig.fromPreprocessorConfigJson(
                json("{\"size\": {\"height\": 384, \"width\": 320}, \"do_normalize\": false}"));
        assertThat(new int[] {c.height(), c.width()}).as("size").containsExactly(384, 320);
        assertThat(c.doNormalize()).as("do_normalize").isFalse();
        assertThat(c.resample()).as("default resample").isEqualTo(ResampleFilter.BICUBIC);
    }

    @Test
    @DisplayName("refuses shapes it cannot honour, naming the key and value")
    void refusesBadValues() throws IOException {
        Path shortest = json("{\"size\": {\"shortest_edge\": 224}}");
        assertThatThrownBy(() -> ImagePreprocessorConfig.fromPreprocessorConfigJson(shortest)).as("shortest_edge")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'size'").hasMessageContaining("shortest_edge");
        Path mean = json("{\"image_mean\": [0.5, 0.5]}");
        assertThatThrownBy(() -> ImagePreprocessorConfig.fromPreprocessorConfigJson(mean)).as("two means")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'image_mean'").hasMessageContaining("3 numbers");
        Path crop = json("{\"size\": 256, \"do_center_crop\": true, \"crop_size\": 224}");
        assertThatThrownBy(() -> ImagePreprocessorConfig.fromPreprocessorConfigJson(crop)).as("center crop")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do_center_crop");
        Path resample = json("{\"resample\": 9}");
        assertThatThrownBy(() -> ImagePreprocessorConfig.fromPreprocessorConfigJson(resample)).as("resample 9")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'resample' is 9");
        Path text = json("{\"do_resize\": \"yes\"}");
        assertThatThrownBy(() -> ImagePreprocessorConfig.fromPreprocessorConfigJson(text)).as("do_resize string")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'do_resize'");
    }

    @Test
    @DisplayName("validates values when built in code, and cannot be changed through its arrays")
    void validatesAndStaysImmutable() {
        assertThatThrownBy(() -> ImagePreprocessorConfig.defaults().withNormalization(
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0f, 0.5f}))
                .as("zero std").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image std");
        assertThatThrownBy(() -> ImagePreprocessorConfig.defaults().withSize(0, 224))
                .as("zero height").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImagePreprocessorConfig.defaults().withMaxPixels(0))
                .as("zero max pixels").isInstanceOf(IllegalArgumentException.class);
        ImagePreprocessorConfig c = ImagePreprocessorConfig.defaults();
        c.mean()[0] = 99f;
        assertThat(c.mean()[0]).as("mean after changing a returned copy").isEqualTo(0.5f);
        assertThat(c).as("equal to another default").isEqualTo(ImagePreprocessorConfig.defaults());
    }

    @Test
    @DisplayName("requireImageSize accepts square images of the model's image_size and refuses any other size, naming both")
    void imageSizeCheck() {
        ImagePreprocessorConfig square = ImagePreprocessorConfig.defaults().withSize(64, 64);
        square.requireImageSize(64);

        assertThatThrownBy(() -> square.requireImageSize(32)).as("64x64 for an image_size 32 model")
                .isInstanceOf(IllegalArgumentException.class).hasMessage("preprocessing makes 64x64 images, the model takes image_size 32");
        assertThatThrownBy(() -> ImagePreprocessorConfig.defaults().withSize(64, 48).requireImageSize(64)).as("48 wide, 64 high")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48x64");
    }

    @Test
    @DisplayName("a model's default preprocessing is data2vec-vision's at the model's own image size")
    void defaultsForTheModelsSize() {
        ImageEncoderConfig model = ImageEncoderConfig.tiny();
        ImagePreprocessorConfig forModel = ImagePreprocessorConfig.defaultsFor(model);
        assertThat(forModel).isEqualTo(ImagePreprocessorConfig.defaults().withSize(model.imageSize(), model.imageSize()));
        assertThat(model.imageSize()).as("the tiny model is not 224, so the size is the model's").isNotEqualTo(224);
        forModel.requireImageSize(model.imageSize());
    }
}
