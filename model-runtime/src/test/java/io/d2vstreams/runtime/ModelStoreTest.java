package io.d2vstreams.runtime;

import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.FLOAT;
import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.INT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.internal.Json;
import io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.runtime.text.internal.ByteLevelBpeTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model store's own duties (layout, versions, seeding once, the load-time checks of width,
 * NaN and inputs) on the text default; what every spec meets is in {@link ModalitySpecContractTest}.
 */
class ModelStoreTest {

    private static final TextEncoderConfig TINY = TextEncoderConfig.tiny(ByteLevelBpeTokenizer.VOCAB_SIZE);

    @TempDir
    Path root;

    @Test
    @DisplayName("initDefault writes the next version as manifest, model, config and tokenizer, listed oldest first")
    void layoutAndVersions() {
        ModelStore store = new ModelStore(root);
        ModelManifest v1 = store.initDefault(Modality.TEXT, 1);
        ModelManifest v2 = store.initDefault(Modality.TEXT, 2);

        assertThat(v1.directory()).as("v1 folder").isEqualTo(root.resolve("text").resolve("v1"));
        assertThat(v1.directory().resolve("manifest.json")).as("manifest").isRegularFile();
        assertThat(v1.sha256ByFile().keySet()).as("checksummed files")
                .containsExactly("config.json", "model.onnx", "tokenizer.json");
        assertThat(v1.dim()).as("dim").isEqualTo(64);
        assertThat(v1.config()).as("HF config").containsEntry("model_type", "data2vec-text").containsEntry("hidden_size", 64);
        assertThat(store.versions(Modality.TEXT)).extracting(ModelManifest::version).as("versions").containsExactly(1, 2);
        assertThat(store.latest(Modality.TEXT)).as("latest").contains(v2);
        assertThat(store.versions(Modality.IMAGE)).as("no image versions").isEmpty();
        assertThat(root.resolve("text")).as("no temporary folders left")
                .isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".tmp"));
    }

    @Test
    @DisplayName("processes seeding an empty store at once all get the one v1; a store with versions keeps its newest")
    void latestOrSeedCreatesOneFirstVersion() throws Exception {
        int seeders = 4;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(seeders);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(seeders);
        try {
            List<java.util.concurrent.Future<ModelManifest>> seeded = new java.util.ArrayList<>();
            for (int i = 0; i < seeders; i++) {
                // One store object each, as separate processes would have.
                ModelStore own = new ModelStore(root);
                seeded.add(pool.submit(() -> {
                    start.await();
                    return own.latestOrSeed(Modality.IMAGE, 7);
                }));
            }
            for (java.util.concurrent.Future<ModelManifest> f : seeded) {
                assertThat(f.get().version()).as("every seeder serves v1").isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        ModelStore store = new ModelStore(root);
        assertThat(store.versions(Modality.IMAGE)).extracting(ModelManifest::version).as("one version, not one per seeder")
                .containsExactly(1);
        assertThat(root.resolve("image")).as("no temporary folders left")
                .isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".tmp"));

        ModelManifest v2 = store.initDefault(Modality.IMAGE, 8);
        assertThat(store.latestOrSeed(Modality.IMAGE, 7)).as("an existing newest version is served as is").isEqualTo(v2);
    }

    @Test
    @DisplayName("a graph whose declared output is narrower than the manifest's dim is refused for its output size")
    void declaredWrongWidthRefused() {
        ModelManifest m = addBrokenVersion(32, 32L, false);

        assertThatThrownBy(() -> new ModelStore(root).load(TextSpec.INSTANCE, m, TestOptions.cpu()))
                .as("loading a 32-wide model that claims 64")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("wrong output size")
                .hasMessageContaining("32");
    }

    @Test
    @DisplayName("a graph whose output width only shows at run time is refused by the probe batch, without overrunning buffers")
    void runtimeWrongWidthRefused() {
        // The width comes out of the data (Tile by the max of a tensor), so shape inference cannot
        // see it; 128 is wider than the 64-float rows the encoder reserves.
        OnnxGraphBuilder g = new OnnxGraphBuilder("opaque_width");
        g.input("input_ids", INT64, "batch", "sequence");
        g.input("attention_mask", INT64, "batch", "sequence");
        g.int64Scalar("zero", 0);
        g.int64Scalar("width", 128);
        g.int64Vector("axis0", 0);
        g.int64Vector("axis2", 2);
        g.int64Vector("ones", 1, 1);
        g.node("zeros", "Mul", List.of("input_ids", "zero"));
        g.node("widths", "Add", List.of("zeros", "width"));
        g.node("max_width", "ReduceMax", List.of("widths"), OnnxGraphBuilder.attr("keepdims", 0L));
        g.node("max_width_1d", "Unsqueeze", List.of("max_width", "axis0"));
        g.node("repeats", "Concat", List.of("ones", "max_width_1d"), OnnxGraphBuilder.attr("axis", 0L));
        g.node("mask_f", "Cast", List.of("attention_mask"), OnnxGraphBuilder.attr("to", (long) FLOAT));
        g.node("mask_3d", "Unsqueeze", List.of("mask_f", "axis2"));
        g.node("last_hidden_state", "Tile", List.of("mask_3d", "repeats"));
        g.output("last_hidden_state", FLOAT, "batch", "sequence", "hidden");
        ModelManifest m = addVersion(g.toBytes("test", "1", Map.of()));

        assertThatThrownBy(() -> new ModelStore(root).load(TextSpec.INSTANCE, m, TestOptions.cpu()))
                .as("loading a model whose output is 128 wide at run time")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("probe batch failed")
                .hasMessageContaining("last_hidden_state [batch, sequence, 64]");
    }

    @Test
    @DisplayName("a graph that outputs NaN is refused by the probe batch")
    void nanRefused() {
        ModelManifest m = addBrokenVersion(64, 64L, true);

        assertThatThrownBy(() -> new ModelStore(root).load(TextSpec.INSTANCE, m, TestOptions.cpu()))
                .as("loading a NaN model")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("non-finite");
    }

    @Test
    @DisplayName("a model without the text inputs is refused at load")
    void missingInputsRefused() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("not_text");
        g.input("pixel_values", FLOAT, "batch", 3, 16, 16);
        g.node("last_hidden_state", "Identity", List.of("pixel_values"));
        g.output("last_hidden_state", FLOAT, "batch", 3, 16, 16);
        ModelManifest m = addVersion(g.toBytes("test", "1", Map.of()));

        assertThatThrownBy(() -> new ModelStore(root).load(TextSpec.INSTANCE, m, TestOptions.cpu()))
                .as("loading an image-shaped graph as text")
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("input_ids");
    }

    /**
     * A text-shaped graph that is wrong on purpose: masked embeddings {@code width} wide, declared
     * {@code declaredWidth} wide, optionally plus NaN.
     */
    private ModelManifest addBrokenVersion(int width, long declaredWidth, boolean nan) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("broken");
        g.input("input_ids", INT64, "batch", "sequence");
        g.input("attention_mask", INT64, "batch", "sequence");
        float[] table = new float[ByteLevelBpeTokenizer.VOCAB_SIZE * width];
        Arrays.fill(table, 0.1f);
        g.initializer("embeddings.word_embeddings.weight", new long[] {ByteLevelBpeTokenizer.VOCAB_SIZE, width}, table);
        g.node("words", "Gather", List.of("embeddings.word_embeddings.weight", "input_ids"));
        g.node("mask_f", "Cast", List.of("attention_mask"), OnnxGraphBuilder.attr("to", (long) FLOAT));
        g.int64Vector("axis2", 2);
        g.node("mask_3d", "Unsqueeze", List.of("mask_f", "axis2"));
        String out = g.node("masked", "Mul", List.of("words", "mask_3d"));
        if (nan) {
            g.floatScalar("zero", 0f);
            g.node("nan", "Div", List.of("zero", "zero"));
            out = g.node("poisoned", "Add", List.of(out, "nan"));
        }
        g.node("last_hidden_state", "Identity", List.of(out));
        g.output("last_hidden_state", FLOAT, "batch", "sequence", declaredWidth);
        return addVersion(g.toBytes("test", "1", Map.of()));
    }

    /** Stores {@code onnx} with the tiny config (dim 64) and the generated tokenizer. */
    private ModelManifest addVersion(byte[] onnx) {
        return new ModelStore(root).addVersion(Modality.TEXT, "broken", 64, TINY.toHuggingFace(), dir -> {
            Files.write(dir.resolve(ModelStore.MODEL_FILE), onnx);
            Files.write(dir.resolve(ModelStore.CONFIG_FILE), Json.write(TINY.toHuggingFace()));
            Files.write(dir.resolve(ModelStore.TOKENIZER_FILE), ByteLevelBpeTokenizer.json());
        });
    }
}
