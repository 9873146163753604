package io.d2vstreams.runtime.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioParameters;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextParameters;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.runtime.text.internal.ByteLevelBpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Importing a Hugging Face checkpoint")
class CheckpointImporterTest {

    private static final long SEED = 11;
    private static final TextEncoderConfig CONFIG = TextEncoderConfig.tiny(ByteLevelBpeTokenizer.VOCAB_SIZE);
    private static final List<String> TEXTS = List.of(
            "A checkpoint from elsewhere serves the same vectors.", "", "Grüße — 東京 🙂");
    /** One ORT thread: the build machine's cores are shared. */
    private static final EncoderOptions OPTIONS = EncoderOptions.defaults().withThreads(1, 1);

    @TempDir
    Path tmp;

    /** The seeded tiny model laid out as transformers' save_pretrained writes a Data2VecTextForMaskedLM. */
    private Path checkpoint(SafetensorsWriter weights) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data2vec-text-import"));
        Files.write(dir.resolve("config.json"), Json.write(CONFIG.toHuggingFace()));
        Files.write(dir.resolve("tokenizer.json"), ByteLevelBpeTokenizer.json());
        weights.writeTo(dir.resolve("model.safetensors"));
        return dir;
    }

    private static SafetensorsWriter maskedLmWeights(TensorBundle weights) {
        int h = CONFIG.hiddenSize();
        return SafetensorsWriter.of(weights, "data2vec_text.")
                .i64("data2vec_text.embeddings.position_ids", new long[] {1, 3}, 0, 1, 2)
                .f32("lm_head.dense.weight", new long[] {h, h}, new float[h * h])
                .metadata(Map.of("format", "pt"));
    }

    @Test
    @DisplayName("a seeded text model written as a checkpoint imports and serves the same vectors as the original")
    void roundTrip() throws IOException {
        ModelStore original = new ModelStore(tmp.resolve("original"));
        ModelManifest source = original.initDefault(Modality.TEXT, SEED);
        Path dir = checkpoint(maskedLmWeights(TextParameters.seeded(CONFIG, SEED)));

        ModelStore store = new ModelStore(tmp.resolve("store"));
        int[] progress = new int[2];
        ModelManifest imported = new CheckpointImporter(store).importCheckpoint(
                CheckpointImporter.Request.of(dir), (done, total) -> {
                    progress[0] = done;
                    progress[1] = total;
                });

        assertThat(imported.modality()).as("modality from model_type").isEqualTo(Modality.TEXT);
        assertThat(imported.name()).as("name defaults to the folder's").isEqualTo("data2vec-text-import");
        assertThat(imported.version()).as("first version of the store").isEqualTo(1);
        assertThat(imported.dim()).as("dim").isEqualTo(CONFIG.hiddenSize());
        assertThat(progress[0]).as("progress reached every tensor").isEqualTo(progress[1]).isPositive();
        try (Encoder<String> a = original.load(TextSpec.INSTANCE, source, OPTIONS); Encoder<String> b = store.load(TextSpec.INSTANCE, imported, OPTIONS)) {
            assertSameVectors(a.embed(TEXTS), b.embed(TEXTS));
        }
    }

    @Test
    @DisplayName("a seeded vision model written as a checkpoint imports and serves the same vectors as the original")
    void imageRoundTrip() throws IOException {
        ImageEncoderConfig config = ImageEncoderConfig.tiny();
        Path dir = Files.createDirectories(tmp.resolve("data2vec-vision-import"));
        Files.write(dir.resolve("config.json"), Json.write(config.toHuggingFace()));
        Files.write(dir.resolve("preprocessor_config.json"), Json.write(ImagePreprocessorConfig.defaults()
                .withSize(config.imageSize(), config.imageSize()).toPreprocessorConfigJson()));
        SafetensorsWriter.of(ImageParameters.seeded(config, SEED), "data2vec_vision.")
                .f32("pooler.layernorm.weight", new long[] {config.hiddenSize()}, new float[config.hiddenSize()])
                .writeTo(dir.resolve("model.safetensors"));
        ModelStore original = new ModelStore(tmp.resolve("original"));
        ModelStore store = new ModelStore(tmp.resolve("store"));

        ModelManifest imported = new CheckpointImporter(store).importCheckpoint(CheckpointImporter.Request.of(dir));

        assertThat(imported.modality()).as("modality from model_type").isEqualTo(Modality.IMAGE);
        List<byte[]> images = List.of(CheckpointMedia.png(40, 24, 1), CheckpointMedia.png(16, 16, 2));
        try (Encoder<byte[]> a = original.load(ImageSpec.INSTANCE, original.initDefault(Modality.IMAGE, SEED), OPTIONS);
                Encoder<byte[]> b = store.load(ImageSpec.INSTANCE, imported, OPTIONS)) {
            assertSameVectors(a.embed(images), b.embed(images));
        }
    }

    @Test
    @DisplayName("a seeded audio model written as a checkpoint imports and serves the same vectors as the original")
    void audioRoundTrip() throws IOException {
        AudioEncoderConfig config = AudioEncoderConfig.tiny();
        Path dir = Files.createDirectories(tmp.resolve("data2vec-audio-import"));
        Files.write(dir.resolve("config.json"), Json.write(config.toHuggingFace()));
        Files.write(dir.resolve("preprocessor_config.json"),
                Json.write(AudioPreprocessorConfig.defaults().toPreprocessorConfigJson()));
        SafetensorsWriter.of(AudioParameters.seeded(config, SEED), "data2vec_audio.")
                .f32("masked_spec_embed", new long[] {config.hiddenSize()}, new float[config.hiddenSize()])
                .writeTo(dir.resolve("model.safetensors"));
        ModelStore original = new ModelStore(tmp.resolve("original"));
        ModelStore store = new ModelStore(tmp.resolve("store"));

        ModelManifest imported = new CheckpointImporter(store).importCheckpoint(CheckpointImporter.Request.of(dir));

        assertThat(imported.modality()).as("modality from model_type").isEqualTo(Modality.AUDIO);
        List<byte[]> clips = List.of(CheckpointMedia.wav(0.5, 16_000, 1), CheckpointMedia.wav(0.3, 16_000, 2));
        try (Encoder<byte[]> a = original.load(AudioSpec.INSTANCE, original.initDefault(Modality.AUDIO, SEED), OPTIONS);
                Encoder<byte[]> b = store.load(AudioSpec.INSTANCE, imported, OPTIONS)) {
            assertSameVectors(a.embed(clips), b.embed(clips));
        }
    }

    private static void assertSameVectors(float[][] expected, float[][] actual) {
        assertThat(actual.length).as("vector count").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).as("input %d component %d", i, j).isCloseTo(expected[i][j], within(1e-5f));
            }
        }
    }

    @Test
    @DisplayName("a tensor whose shape disagrees with the config is refused, naming it and both shapes, with missing ones listed")
    void mismatchedShapes() throws IOException {
        TensorBundle seeded = TextParameters.seeded(CONFIG, SEED);
        TensorBundle.Builder edited = TensorBundle.builder();
        for (String name : seeded.names()) {
            if (name.equals("encoder.layer.0.attention.self.query.weight")) {
                edited.put(name, new long[] {64, 32}, new float[64 * 32]);
            } else if (!name.equals("encoder.layer.1.output.dense.bias")) {
                edited.put(name, seeded.get(name).shape(), seeded.get(name).data());
            }
        }
        Path dir = checkpoint(SafetensorsWriter.of(edited.build(), "data2vec_text."));
        ModelStore store = new ModelStore(tmp.resolve("store"));

        assertThatThrownBy(() -> new CheckpointImporter(store).importCheckpoint(CheckpointImporter.Request.of(dir)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'data2vec_text.encoder.layer.0.attention.self.query.weight' has shape [64, 32]")
                .hasMessageContaining("the config calls for [64, 64]")
                .hasMessageContaining("missing 1 tensor: encoder.layer.1.output.dense.bias");
        assertThat(store.versions(Modality.TEXT)).as("nothing reached the store").isEmpty();
    }

    @Test
    @DisplayName("a truncated weights file is refused with the file and the tensor, and nothing is stored")
    void truncatedFile() throws IOException {
        Path dir = checkpoint(maskedLmWeights(TextParameters.seeded(CONFIG, SEED)));
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1000));
        ModelStore store = new ModelStore(tmp.resolve("store"));

        assertThatThrownBy(() -> new CheckpointImporter(store).importCheckpoint(CheckpointImporter.Request.of(dir)))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated file");
        assertThat(store.versions(Modality.TEXT)).as("nothing reached the store").isEmpty();
    }

    @Test
    @DisplayName("a modality that contradicts config.json is refused")
    void wrongModality() throws IOException {
        Path dir = checkpoint(maskedLmWeights(TextParameters.seeded(CONFIG, SEED)));
        ModelStore store = new ModelStore(tmp.resolve("store"));

        assertThatThrownBy(() -> new CheckpointImporter(store).importCheckpoint(
                new CheckpointImporter.Request(dir, Optional.of(Modality.AUDIO), Optional.empty())))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("holds a TEXT model").hasMessageContaining("not a AUDIO one");
    }

    @Test
    @DisplayName("a text checkpoint without tokenizer.json is refused, saying which file is needed")
    void missingTokenizer() throws IOException {
        Path dir = checkpoint(maskedLmWeights(TextParameters.seeded(CONFIG, SEED)));
        Files.delete(dir.resolve("tokenizer.json"));

        assertThatThrownBy(() -> new CheckpointImporter(new ModelStore(tmp.resolve("store")))
                .importCheckpoint(CheckpointImporter.Request.of(dir)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("has no tokenizer.json");
    }

    @Test
    @DisplayName("a config the text writer cannot build is refused with the key and the value")
    void unsupportedConfig() throws IOException {
        Path dir = checkpoint(maskedLmWeights(TextParameters.seeded(CONFIG, SEED)));
        Map<String, Object> config = new LinkedHashMap<>(CONFIG.toHuggingFace());
        config.put("hidden_act", "relu");
        Files.write(dir.resolve("config.json"), Json.write(config));

        assertThatThrownBy(() -> new CheckpointImporter(new ModelStore(tmp.resolve("store")))
                .importCheckpoint(CheckpointImporter.Request.of(dir)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("hidden_act is 'relu'");
    }
}
