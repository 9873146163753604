package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the model store writes for the seeded image and audio defaults, beyond the contract every
 * spec meets ({@link ModalitySpecContractTest}).
 */
class MediaModelStoreTest {

    @TempDir
    Path root;

    @Test
    @DisplayName("initDefault writes image and audio versions as manifest, model, config and preprocessor config")
    void layout() throws Exception {
        ModelStore store = new ModelStore(root);
        ModelManifest image = store.initDefault(Modality.IMAGE, 1);
        ModelManifest audio = store.initDefault(Modality.AUDIO, 1);

        assertThat(image.directory()).as("image v1 folder").isEqualTo(root.resolve("image").resolve("v1"));
        assertThat(audio.directory()).as("audio v1 folder").isEqualTo(root.resolve("audio").resolve("v1"));
        for (ModelManifest m : List.of(image, audio)) {
            assertThat(m.sha256ByFile().keySet()).as("checksummed files of %s", m.modality())
                    .containsExactly("config.json", "model.onnx", "preprocessor_config.json");
            assertThat(m.dim()).as("dim of %s", m.modality()).isEqualTo(64);
        }
        assertThat(image.config()).as("image HF config").containsEntry("model_type", "data2vec-vision")
                .containsEntry("image_size", 64).containsEntry("patch_size", 16);
        assertThat(audio.config()).as("audio HF config").containsEntry("model_type", "data2vec-audio")
                .containsEntry("conv_kernel", List.of(10, 3, 3, 3, 3, 2, 2));
        Map<String, Object> imageProcessor = Json.readObject(Files.readAllBytes(image.directory().resolve("preprocessor_config.json")));
        assertThat(imageProcessor).as("image preprocessor config").containsEntry("size", Map.of("height", 64, "width", 64));
        Map<String, Object> featureExtractor = Json.readObject(Files.readAllBytes(audio.directory().resolve("preprocessor_config.json")));
        assertThat(featureExtractor).as("audio preprocessor config").containsEntry("sampling_rate", 16_000)
                .containsEntry("return_attention_mask", true);
        assertThat(store.latest(Modality.IMAGE)).as("latest image").contains(image);
    }

    @Test
    @DisplayName("adding an image model whose preprocessing makes another size than image_size is refused")
    void preprocessingSizeMismatchRefused() {
        ImageEncoderConfig tiny = ImageEncoderConfig.tiny();
        assertThatThrownBy(() -> new ModelStore(root).add(ImageSpec.INSTANCE, "wrong", tiny, ImageParameters.seeded(tiny, 1),
                ImagePreprocessorConfig.defaults()))
                .as("224×224 preprocessing for a 64×64 model")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("224x224")
                .hasMessageContaining("image_size 64");
    }
}
