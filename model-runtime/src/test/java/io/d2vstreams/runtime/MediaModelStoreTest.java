package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioParameters;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The model store with the seeded image and audio defaults. */
class MediaModelStoreTest {

    private static final List<byte[]> IMAGES = List.of(TestMedia.image(40, 30, 1, "png"), TestMedia.image(64, 64, 2, "jpg"));
    private static final List<byte[]> CLIPS = List.of(TestMedia.wav(0.4, 16_000, 1), TestMedia.wav(0.25, 8_000, 2));

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

    @ParameterizedTest
    @EnumSource(value = Modality.class, names = {"IMAGE", "AUDIO"})
    @DisplayName("the same seed gives identical checksums; another seed gives other weights and other vectors")
    void seeds(Modality modality, @TempDir Path other) {
        ModelStore a = new ModelStore(root);
        ModelManifest seven = a.initDefault(modality, 7);
        ModelManifest sevenAgain = new ModelStore(other).initDefault(modality, 7);
        ModelManifest eight = a.initDefault(modality, 8);

        assertThat(sevenAgain.sha256ByFile()).as("seed 7 in two stores").isEqualTo(seven.sha256ByFile());
        assertThat(eight.sha256ByFile().get("model.onnx")).as("seed 8 model vs seed 7")
                .isNotEqualTo(seven.sha256ByFile().get("model.onnx"));
        assertThat(eight.sha256ByFile().get("preprocessor_config.json")).as("preprocessing does not depend on the seed")
                .isEqualTo(seven.sha256ByFile().get("preprocessor_config.json"));
        try (Encoder<byte[]> e7 = load(a, seven); Encoder<byte[]> e8 = load(a, eight)) {
            assertThat(e8.embed(inputs(modality))[0]).as("vector of seed 8 vs seed 7").isNotEqualTo(e7.embed(inputs(modality))[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Modality.class, names = {"IMAGE", "AUDIO"})
    @DisplayName("a version written by one store and read back by a fresh store serves identical vectors")
    void freshStoreServesSameVectors(Modality modality) {
        ModelStore writer = new ModelStore(root);
        ModelManifest written = writer.initDefault(modality, 5);
        float[][] before;
        try (Encoder<byte[]> e = load(writer, written)) {
            before = e.embed(inputs(modality));
        }

        ModelStore reader = new ModelStore(root);
        ModelManifest read = reader.latest(modality).orElseThrow();
        assertThat(read).as("manifest read back").isEqualTo(written);
        try (Encoder<byte[]> e = load(reader, read)) {
            float[][] after = e.embed(inputs(modality));
            for (int i = 0; i < after.length; i++) {
                assertThat(after[i]).as("vector %d", i).containsExactly(before[i]);
            }
        }
    }

    @Test
    @DisplayName("readWeights gives back the seeded image and audio weights under their Hugging Face names, bit for bit")
    void readWeightsRoundTrip() {
        ModelStore store = new ModelStore(root);
        ModelManifest image = store.initDefault(Modality.IMAGE, 3);
        ModelManifest audio = store.initDefault(Modality.AUDIO, 3);

        assertSameWeights(store.readWeights(image), ImageParameters.seeded(ImageEncoderConfig.tiny(), 3));
        assertSameWeights(store.readWeights(audio), AudioParameters.seeded(AudioEncoderConfig.tiny(), 3));
        assertThat(ImageEncoderConfig.fromHuggingFace(image.config())).as("vision config from the manifest")
                .isEqualTo(ImageEncoderConfig.tiny());
        assertThat(AudioEncoderConfig.fromHuggingFace(audio.config())).as("audio config from the manifest")
                .isEqualTo(AudioEncoderConfig.tiny());
    }

    @Test
    @DisplayName("an image model file changed after writing is refused with a checksum mismatch naming the file")
    void tamperedFileRefused() throws Exception {
        ModelStore store = new ModelStore(root);
        ModelManifest m = store.initDefault(Modality.IMAGE, 1);
        Path model = m.directory().resolve("model.onnx");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(model, bytes);

        assertThatThrownBy(() -> store.loadImage(m, TestOptions.cpu()))
                .as("loading a tampered version")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("model.onnx");
    }

    @Test
    @DisplayName("a version of one modality is refused as another")
    void wrongModalityRefused() {
        ModelStore store = new ModelStore(root);
        ModelManifest audio = store.initDefault(Modality.AUDIO, 1);

        assertThatThrownBy(() -> store.loadImage(audio, TestOptions.cpu())).as("loading audio as image")
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("is a AUDIO model, not a IMAGE one");
    }

    @Test
    @DisplayName("an image version without preprocessor_config.json serves with the data2vec-vision defaults at image_size")
    void missingPreprocessorConfigUsesDefaults() {
        ModelStore store = new ModelStore(root);
        ModelManifest seeded = store.initDefault(Modality.IMAGE, 4);
        ImageEncoderConfig tiny = ImageEncoderConfig.tiny();
        ModelManifest bare = store.addVersion(Modality.IMAGE, "bare", 64, tiny.toHuggingFace(), dir -> {
            Files.copy(seeded.directory().resolve("model.onnx"), dir.resolve("model.onnx"));
            Files.copy(seeded.directory().resolve("config.json"), dir.resolve("config.json"));
        });

        try (Encoder<byte[]> a = store.loadImage(seeded, TestOptions.cpu()); Encoder<byte[]> b = store.loadImage(bare, TestOptions.cpu())) {
            assertThat(b.embed(IMAGES)[0]).as("vector without vs with the preprocessor config").containsExactly(a.embed(IMAGES)[0]);
        }
    }

    @Test
    @DisplayName("adding an image model whose preprocessing makes another size than image_size is refused")
    void preprocessingSizeMismatchRefused() {
        ImageEncoderConfig tiny = ImageEncoderConfig.tiny();
        assertThatThrownBy(() -> new ModelStore(root).addImage("wrong", tiny, ImageParameters.seeded(tiny, 1),
                ImagePreprocessorConfig.defaults()))
                .as("224×224 preprocessing for a 64×64 model")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("224x224")
                .hasMessageContaining("image_size 64");
    }

    private static Encoder<byte[]> load(ModelStore store, ModelManifest m) {
        return m.modality() == Modality.IMAGE ? store.loadImage(m, TestOptions.cpu()) : store.loadAudio(m, TestOptions.cpu());
    }

    private static List<byte[]> inputs(Modality modality) {
        return modality == Modality.IMAGE ? IMAGES : CLIPS;
    }

    private static void assertSameWeights(TensorBundle read, TensorBundle seeded) {
        assertThat(read.names()).as("names").containsExactlyElementsOf(seeded.names());
        for (String name : seeded.names()) {
            assertThat(read.get(name).data()).as(name).containsExactly(seeded.get(name).data());
        }
    }
}
