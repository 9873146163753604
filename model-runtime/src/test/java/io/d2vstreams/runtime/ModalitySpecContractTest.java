package io.d2vstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.runtime.text.TextSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the model store promises for every modality, checked once over every registered
 * {@link ModalitySpec}, so that no modality can skip a check its siblings have. A modality added
 * to {@link ModalitySpecs} without sample inputs here fails {@link #everyRegisteredSpecHasSamples}.
 * Modality-specific behaviour (the files' contents, a preprocessing size that does not fit)
 * stays in {@link ModelStoreTest} and {@link MediaModelStoreTest}.
 */
class ModalitySpecContractTest {

    /** Inputs each modality's seeded encoder embeds; two per modality, so that vectors can differ. */
    private static final Map<Modality, Samples<?>> SAMPLES = Map.of(
            Modality.TEXT, new Samples<>(TextSpec.INSTANCE, List.of("data2vec", "streams of text, images and audio", "Köln 東京")),
            Modality.IMAGE, new Samples<>(ImageSpec.INSTANCE,
                    List.of(TestMedia.image(40, 30, 1, "png"), TestMedia.image(64, 64, 2, "jpg"))),
            Modality.AUDIO, new Samples<>(AudioSpec.INSTANCE,
                    List.of(TestMedia.wav(0.4, 16_000, 1), TestMedia.wav(0.25, 8_000, 2))));

    private record Samples<I>(ModalitySpec<?, ?, I> spec, List<I> inputs) {
        @Override
        public String toString() {
            return spec.modality().toString();
        }
    }

    @TempDir
    Path root;

    static Stream<Samples<?>> modalities() {
        return ModalitySpecs.all().stream().map(spec -> SAMPLES.get(spec.modality()));
    }

    @Test
    @DisplayName("every registered spec has sample inputs here and is registered under its own modality")
    void everyRegisteredSpecHasSamples() {
        for (Modality m : Modality.values()) {
            assertThat(ModalitySpecs.of(m).modality()).as("spec registered for %s", m).isEqualTo(m);
            assertThat(SAMPLES).as("contract samples").containsKey(m);
            assertThat(SAMPLES.get(m).spec()).as("samples' spec for %s", m).isSameAs(ModalitySpecs.of(m));
        }
    }

    @Test
    @DisplayName("each Hugging Face model_type names one spec, and an import reads a config of that type as its modality")
    void modelTypesNameOneModality() {
        List<String> all = ModalitySpecs.all().stream().flatMap(spec -> spec.modelTypes().stream()).toList();
        assertThat(all).as("model types of every spec").doesNotHaveDuplicates().isNotEmpty();
        for (ModalitySpec<?, ?, ?> spec : ModalitySpecs.all()) {
            assertThat(spec.modelTypes()).as("%s model types", spec.modality()).isNotEmpty();
            for (String type : spec.modelTypes()) {
                assertThat(io.d2vstreams.runtime.importer.CheckpointImporter.modalityOf(Map.of("model_type", type)))
                        .as("the modality of model_type %s", type).contains(spec.modality());
            }
        }
        assertThat(io.d2vstreams.runtime.importer.CheckpointImporter.modalityOf(Map.of("model_type", "bert")))
                .as("a model type no spec names").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("the tensor shapes an import must find are exactly those of the seeded weights")
    void shapesAreTheSeededWeights(Samples<?> samples) {
        checkShapes(samples.spec());
    }

    private <C extends EncoderConfig> void checkShapes(ModalitySpec<C, ?, ?> spec) {
        C config = spec.config(ModelSize.TINY);
        TensorBundle seeded = spec.seededWeights(config, 3);
        Map<String, long[]> shapes = spec.shapes(config);
        assertThat(shapes.keySet()).as("tensor names").containsExactlyInAnyOrderElementsOf(seeded.names());
        for (String name : seeded.names()) {
            assertThat(shapes.get(name)).as("shape of %s", name).containsExactly(seeded.get(name).shape());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("a seeded version holds the model, its config and the spec's preprocessing file, in the modality's folder")
    void layout(Samples<?> samples) {
        ModalitySpec<?, ?, ?> spec = samples.spec();
        ModelManifest m = new ModelStore(root).initDefault(spec.modality(), 1);

        assertThat(m.directory()).as("v1 folder").isEqualTo(root.resolve(spec.modality().folderName()).resolve("v1"));
        assertThat(m.sha256ByFile().keySet()).as("checksummed files")
                .containsExactlyInAnyOrder(ModelStore.MODEL_FILE, ModelStore.CONFIG_FILE, spec.preprocessingFile());
        assertThat(m.dim()).as("dim").isEqualTo(spec.config(ModelSize.TINY).hiddenSize());
        assertThat(m.name()).as("model name").isEqualTo(spec.family() + "-tiny");
        assertThat(root.resolve(spec.modality().folderName())).as("no temporary folders left")
                .isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".tmp"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("the same seed gives identical checksums; another seed gives other weights and other vectors")
    void seeds(Samples<?> samples, @TempDir Path other) {
        checkSeeds(samples, other);
    }

    private <I> void checkSeeds(Samples<I> samples, Path other) {
        ModalitySpec<?, ?, I> spec = samples.spec();
        List<I> inputs = samples.inputs();
        ModelStore a = new ModelStore(root);
        ModelManifest seven = a.initDefault(spec.modality(), 7);
        ModelManifest sevenAgain = new ModelStore(other).initDefault(spec.modality(), 7);
        ModelManifest eight = a.initDefault(spec.modality(), 8);

        assertThat(sevenAgain.sha256ByFile()).as("seed 7 in two stores").isEqualTo(seven.sha256ByFile());
        assertThat(sevenAgain.digest()).as("version digest").isEqualTo(seven.digest());
        assertThat(eight.sha256ByFile().get(ModelStore.MODEL_FILE)).as("seed 8 model vs seed 7")
                .isNotEqualTo(seven.sha256ByFile().get(ModelStore.MODEL_FILE));
        assertThat(eight.sha256ByFile().get(spec.preprocessingFile())).as("preprocessing does not depend on the seed")
                .isEqualTo(seven.sha256ByFile().get(spec.preprocessingFile()));
        try (Encoder<I> e7 = a.load(spec, seven, TestOptions.cpu()); Encoder<I> e8 = a.load(spec, eight, TestOptions.cpu())) {
            assertThat(e8.embed(inputs)[0]).as("vector of seed 8 vs seed 7").isNotEqualTo(e7.embed(inputs)[0]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("a version written by one store and read back by a fresh store serves identical, finite vectors of its dim")
    void freshStoreServesSameVectors(Samples<?> samples) {
        checkFreshStore(samples);
    }

    private <I> void checkFreshStore(Samples<I> samples) {
        ModalitySpec<?, ?, I> spec = samples.spec();
        List<I> inputs = samples.inputs();
        ModelStore writer = new ModelStore(root);
        ModelManifest written = writer.initDefault(spec.modality(), 5);
        float[][] before;
        try (Encoder<I> e = writer.load(spec, written, TestOptions.cpu())) {
            assertThat(e.id()).as("encoder id").isEqualTo(written.id());
            before = e.embed(inputs);
        }

        ModelStore reader = new ModelStore(root);
        ModelManifest read = reader.latest(spec.modality()).orElseThrow();
        assertThat(read).as("manifest read back").isEqualTo(written);
        try (Encoder<I> e = reader.load(spec, read, TestOptions.cpu())) {
            float[][] after = e.embed(inputs);
            assertThat(after.length).as("one vector per input").isEqualTo(inputs.size());
            for (int i = 0; i < after.length; i++) {
                assertThat(after[i]).as("vector %d", i).hasSize(written.dim()).containsExactly(before[i]);
                for (float x : after[i]) {
                    assertThat(Float.isFinite(x)).as("vector %d is finite", i).isTrue();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("readWeights gives back the seeded weights under their Hugging Face names, bit for bit, and the manifest the config")
    void readWeightsRoundTrip(Samples<?> samples) {
        checkReadWeights(samples.spec());
    }

    private <C extends EncoderConfig> void checkReadWeights(ModalitySpec<C, ?, ?> spec) {
        ModelManifest m = new ModelStore(root).initDefault(spec.modality(), 3);
        C tiny = spec.config(ModelSize.TINY);
        TensorBundle seeded = spec.seededWeights(tiny, 3);
        TensorBundle read = new ModelStore(root).readWeights(m);

        assertThat(read.names()).as("names").containsExactlyElementsOf(seeded.names());
        for (String name : seeded.names()) {
            assertThat(read.get(name).data()).as(name).containsExactly(seeded.get(name).data());
        }
        assertThat(spec.fromHuggingFace(m.config())).as("config from the manifest").isEqualTo(tiny);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("a model file changed after writing is refused with a checksum mismatch naming the file and the version")
    void tamperedFileRefused(Samples<?> samples) throws Exception {
        ModelStore store = new ModelStore(root);
        ModelManifest m = store.initDefault(samples.spec().modality(), 1);
        Path model = m.directory().resolve(ModelStore.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(model, bytes);

        assertThatThrownBy(() -> store.load(samples.spec(), m, TestOptions.cpu()))
                .as("loading a tampered version")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining(ModelStore.MODEL_FILE)
                .satisfies(e -> assertThat(((ModelLoadException) e).model()).as("refused id").contains(m.id()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("a version of one modality is refused by every other modality's spec")
    void wrongModalityRefused(Modality modality) {
        ModelStore store = new ModelStore(root);
        ModelManifest m = store.initDefault(modality, 1);
        for (ModalitySpec<?, ?, ?> other : ModalitySpecs.all()) {
            if (other.modality() == modality) {
                continue;
            }
            assertThatThrownBy(() -> store.load(other, m, TestOptions.cpu())).as("loading %s as %s", modality, other.modality())
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("is a " + modality + " model, not a " + other.modality() + " one");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("a version without its preprocessing file serves with the spec's defaults where the file is optional, else is refused naming it")
    void missingPreprocessingFile(Samples<?> samples) throws Exception {
        checkMissingPreprocessing(samples);
    }

    private <I> void checkMissingPreprocessing(Samples<I> samples) {
        ModalitySpec<?, ?, I> spec = samples.spec();
        List<I> inputs = samples.inputs();
        ModelStore store = new ModelStore(root);
        ModelManifest seeded = store.initDefault(spec.modality(), 4);
        ModelManifest bare = store.addVersion(spec.modality(), "bare", seeded.dim(), seeded.config(), dir -> {
            Files.copy(seeded.directory().resolve(ModelStore.MODEL_FILE), dir.resolve(ModelStore.MODEL_FILE));
            Files.copy(seeded.directory().resolve(ModelStore.CONFIG_FILE), dir.resolve(ModelStore.CONFIG_FILE));
        });

        if (spec.preprocessingRequired()) {
            assertThatThrownBy(() -> store.load(spec, bare, TestOptions.cpu())).as("a version without %s", spec.preprocessingFile())
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("manifest lists no " + spec.preprocessingFile());
            return;
        }
        // The seeded version's file holds the spec's defaults, so both must embed alike.
        try (Encoder<I> a = store.load(spec, seeded, TestOptions.cpu()); Encoder<I> b = store.load(spec, bare, TestOptions.cpu())) {
            assertThat(b.embed(inputs)[0]).as("vector without vs with " + spec.preprocessingFile())
                    .containsExactly(a.embed(inputs)[0]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("weights that miss a tensor are refused by add, naming the tensor, before anything is written")
    void incompleteWeightsRefusedBeforeWriting(Samples<?> samples) {
        checkIncompleteWeights(samples.spec());
    }

    private <C extends EncoderConfig, P> void checkIncompleteWeights(ModalitySpec<C, P, ?> spec) {
        C tiny = spec.config(ModelSize.TINY);
        TensorBundle seeded = spec.seededWeights(tiny, 1);
        String missing = seeded.names().iterator().next();
        TensorBundle.Builder partial = TensorBundle.builder();
        for (String name : seeded.names()) {
            if (!name.equals(missing)) {
                partial.put(name, seeded.get(name).shape(), seeded.get(name).data());
            }
        }
        ModelStore store = new ModelStore(root);

        assertThatThrownBy(() -> store.add(spec, "partial", tiny, partial.build(), spec.defaultPreprocessing(tiny)))
                .as("weights without %s", missing)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing);
        assertThat(store.versions(spec.modality())).as("versions after the refused add").isEmpty();
    }
}
