package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextParameters;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.runtime.text.internal.ByteLevelBpeTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("ModelVerifier: a store version is checked as a pipeline would before anyone announces it")
class ModelVerifierTest {

    private static final TextEncoderConfig TINY = TextEncoderConfig.tiny(ByteLevelBpeTokenizer.VOCAB_SIZE);

    @TempDir
    Path root;

    private ModelStore store;
    private ModelVerifier verifier;

    @BeforeEach
    void open() {
        store = new ModelStore(root);
        verifier = new ModelVerifier(store, TestOptions.cpu());
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    @DisplayName("a seeded version of every modality passes, and the manifest it returns carries the store's digest")
    void seededVersionPasses(Modality modality) {
        ModelManifest written = store.initDefault(modality, 3);

        ModelManifest verified = verifier.verify(modality, 1);

        assertThat(verified.digest()).as("digest of the verified %s v1", modality).isEqualTo(written.digest())
                .matches("[0-9a-f]{64}");
        assertThat(verified.id()).as("id of the verified version").isEqualTo(written.id());
    }

    @Test
    @DisplayName("a version the store does not have is refused, naming the store and the version")
    void missingVersionRefused() {
        store.initDefault(Modality.TEXT, 1);

        assertThatThrownBy(() -> verifier.verify(Modality.TEXT, 7)).as("verifying text v7 of a store with v1 only")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no text v7")
                .hasMessageContaining(root.toString());
    }

    @Test
    @DisplayName("a model file changed after writing is refused with a checksum mismatch naming the file")
    void tamperedFileRefused() throws Exception {
        ModelManifest m = store.initDefault(Modality.TEXT, 1);
        flipLastByte(m.directory().resolve(ModelStore.MODEL_FILE));

        assertThatThrownBy(() -> verifier.verify(Modality.TEXT, 1)).as("verifying a tampered model.onnx")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch for model.onnx")
                .hasMessageContaining(m.sha256ByFile().get(ModelStore.MODEL_FILE));
    }

    @Test
    @DisplayName("a changed tokenizer is refused too: every listed file is checked, not only the model")
    void tamperedTokenizerRefused() throws Exception {
        ModelManifest m = store.initDefault(Modality.TEXT, 1);
        flipLastByte(m.directory().resolve(ModelStore.TOKENIZER_FILE));

        assertThatThrownBy(() -> verifier.verify(Modality.TEXT, 1)).as("verifying a tampered tokenizer.json")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch for tokenizer.json");
    }

    @Test
    @DisplayName("a file dropped into the version folder after writing is refused: no checksum covers it")
    void unlistedFileRefused() throws Exception {
        ModelManifest m = store.initDefault(Modality.IMAGE, 1);
        Files.writeString(m.directory().resolve("extra_weights.onnx"), "not in the manifest");

        assertThatThrownBy(() -> verifier.verify(Modality.IMAGE, 1)).as("verifying a folder with an unlisted file")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("extra_weights.onnx")
                .hasMessageContaining("not listed in manifest.json");
    }

    @Test
    @DisplayName("a version folder copied under another number is refused: its manifest names the version it was")
    void copiedFolderRefused() throws Exception {
        ModelManifest v1 = store.initDefault(Modality.TEXT, 1);
        Path v3 = v1.directory().resolveSibling("v3");
        Files.createDirectories(v3);
        try (Stream<Path> files = Files.list(v1.directory())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, v3.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }

        assertThatThrownBy(() -> verifier.verify(Modality.TEXT, 3)).as("verifying v1's files under v3")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("says text v1");
    }

    @Test
    @DisplayName("an unreadable manifest is refused with what is wrong with it")
    void unreadableManifestRefused() throws Exception {
        ModelManifest m = store.initDefault(Modality.AUDIO, 1);
        Files.writeString(m.directory().resolve("manifest.json"), "{ not json");

        assertThatThrownBy(() -> verifier.verify(Modality.AUDIO, 1)).as("verifying a version with a broken manifest")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("audio v1 has an unreadable manifest.json");
    }

    @Test
    @DisplayName("weights that make NaN are refused by the probe batch, as the pipeline would refuse them")
    void nanWeightsRefused() {
        TensorBundle seeded = TextParameters.seeded(TINY, 1);
        String poisoned = "embeddings.LayerNorm.weight";
        assertThat(seeded.names()).as("tensor names of the tiny text encoder").contains(poisoned);
        TensorBundle.Builder weights = TensorBundle.builder();
        for (String name : seeded.names()) {
            float[] data = seeded.get(name).data().clone();
            if (name.equals(poisoned)) {
                Arrays.fill(data, Float.NaN);
            }
            weights.put(name, seeded.get(name).shape(), data);
        }
        store.add(TextSpec.INSTANCE, "nan", TINY, weights.build(), ByteLevelBpeTokenizer.json());

        assertThatThrownBy(() -> verifier.verify(Modality.TEXT, 1)).as("verifying a NaN-producing model")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("non-finite");
    }

    @Test
    @DisplayName("a manifest that claims another width than the model makes is refused for the output size")
    void wrongWidthRefused() {
        // A real 64-wide tiny encoder whose manifest says 32: what a pipeline must never serve as 32.
        byte[] onnx = modelBytesOf(store.initDefault(Modality.TEXT, 1));
        store.addVersion(Modality.TEXT, "narrow", 32, TINY.toHuggingFace(), dir -> {
            Files.write(dir.resolve(ModelStore.MODEL_FILE), onnx);
            Files.write(dir.resolve(ModelStore.CONFIG_FILE), Json.write(TINY.toHuggingFace()));
            Files.write(dir.resolve(ModelStore.TOKENIZER_FILE), ByteLevelBpeTokenizer.json());
        });

        assertThatThrownBy(() -> verifier.verify(Modality.TEXT, 2)).as("verifying a 64-wide model announced as 32")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("wrong output size");
    }

    private static byte[] modelBytesOf(ModelManifest m) {
        try {
            return Files.readAllBytes(m.directory().resolve(ModelStore.MODEL_FILE));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void flipLastByte(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(file, bytes);
    }
}
