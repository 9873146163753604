package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.trainer.image.ImageBatch;
import io.d2vstreams.trainer.image.ImageData2VecModel;
import io.d2vstreams.trainer.image.internal.ImageModality;
import io.d2vstreams.trainer.internal.DjlEnvironment;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.OnnxParity;
import io.d2vstreams.trainer.internal.VersionFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("ImageData2VecModel, the DJL twin of model-runtime's vision ONNX graph")
class ImageData2VecModelTest {

    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void engine() {
        manager = DjlEnvironment.pytorch().newBaseManager();
        DjlEnvironment.gradientsOffOnThisThread();
    }

    @AfterEach
    void free() {
        manager.close();
    }

    @Test
    @DisplayName("on the seeded default, last_hidden_state equals the ONNX graph's on ONNX Runtime (max abs diff <= 1e-4)")
    void seededDefaultParity() {
        ModelStore store = new ModelStore(dir);
        ModelManifest base = TinyImages.seededStore(dir);
        ImageEncoderConfig config = ImageEncoderConfig.fromHuggingFace(base.config());
        ImageBatch batch = randomPixels(3, config, 1);
        try (ImageData2VecModel model = ImageData2VecModel.fromWeights(manager, config, store.readWeights(base));
                NDManager scope = manager.newSubManager()) {
            float[] djl = model.forward(scope, batch).lastHiddenState().toFloatArray();
            float[] onnx = ImageModality.servingLastHiddenState(VersionFiles.read(base, ModelStore.MODEL_FILE), batch);
            assertThat(djl).as("[images, 1 + patches, hidden] values").hasSize(3 * config.sequenceLength() * config.hiddenSize());
            assertThat(OnnxParity.maxAbsDiff(djl, onnx)).as("max |DJL - ONNX|").isLessThanOrEqualTo(1e-4);
            assertThat(maxAbs(onnx)).as("the output is not trivially small").isGreaterThan(0.1);
        }
    }

    /**
     * The seeded default's small weights (N(0, 0.02²), layer scale 0.1) leave attention a small
     * share of the output, so these configs use weights of std 0.1 that make every switch count.
     */
    static Stream<ImageEncoderConfig> switches() {
        return Stream.of(
                // The seeded default's layout: per-layer relative bias, layer scale, mean pooling.
                ImageEncoderConfig.tiny(),
                // Both biases, absolute positions, a final layernorm, no layer scale; 40-pixel images in
                // 16-pixel patches: 2×2 patches, the last 8 pixel rows and columns cut off as the Conv does.
                new ImageEncoderConfig(48, 2, 4, 96, 40, 16, 3, 1e-6, 0, true, true, true, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switches")
    @DisplayName("with random weights that make every switch count, last_hidden_state matches ONNX (max abs diff <= 1e-4)")
    void switchesParity(ImageEncoderConfig config) {
        TensorBundle weights = randomWeights(config, 3);
        ModelManifest version = new ModelStore(dir).add(ImageSpec.INSTANCE, "switches", config, weights,
                ImagePreprocessorConfig.defaultsFor(config));
        ImageBatch batch = randomPixels(2, config, 4);
        try (ImageData2VecModel model = ImageData2VecModel.fromWeights(manager, config, weights);
                NDManager scope = manager.newSubManager()) {
            float[] djl = model.forward(scope, batch).lastHiddenState().toFloatArray();
            float[] onnx = ImageModality.servingLastHiddenState(VersionFiles.read(version, ModelStore.MODEL_FILE), batch);
            assertThat(OnnxParity.maxAbsDiff(djl, onnx)).as("max |DJL - ONNX|").isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    @DisplayName("toBundle round-trips the store's weights: the serving graph's names and shapes, no mask token")
    void bundleRoundTrip() {
        ModelStore store = new ModelStore(dir);
        ModelManifest base = TinyImages.seededStore(dir);
        ImageEncoderConfig config = ImageEncoderConfig.fromHuggingFace(base.config());
        TensorBundle stored = store.readWeights(base);
        try (ImageData2VecModel model = ImageData2VecModel.forTraining(manager, config, stored, new SplittableRandom(1))) {
            assertThat(model.hasMaskToken()).as("a training model has a mask token").isTrue();
            TensorBundle exported = model.toBundle();
            assertThat(exported.names()).as("exported names").containsExactlyInAnyOrderElementsOf(stored.names())
                    .doesNotContain(ImageParameters.MASK_TOKEN);
            for (String name : stored.names()) {
                assertThat(exported.get(name).shape()).as("shape of %s", name).isEqualTo(stored.get(name).shape());
                assertThat(exported.get(name).data()).as("values of %s", name).isEqualTo(stored.get(name).data());
            }
        }
    }

    @Test
    @DisplayName("a patch mask replaces exactly the masked patches' embeddings; an all-zero mask changes nothing")
    void maskToken() {
        ModelStore store = new ModelStore(dir);
        ModelManifest base = TinyImages.seededStore(dir);
        ImageEncoderConfig config = ImageEncoderConfig.fromHuggingFace(base.config());
        ImageBatch batch = randomPixels(2, config, 5);
        int patches = config.numPatches();
        float[] none = new float[2 * patches];
        float[] some = new float[2 * patches];
        some[3] = 1;
        some[patches + 7] = 1;
        try (ImageData2VecModel model = ImageData2VecModel.forTraining(manager, config, store.readWeights(base),
                new SplittableRandom(1));
                ImageData2VecModel plain = ImageData2VecModel.fromWeights(manager, config, store.readWeights(base));
                NDManager scope = manager.newSubManager()) {
            float[] whole = model.forward(scope, batch).lastHiddenState().toFloatArray();
            float[] zeroMask = model.forward(scope, batch, none, Dropout.none()).lastHiddenState().toFloatArray();
            float[] masked = model.forward(scope, batch, some, Dropout.none()).lastHiddenState().toFloatArray();
            assertThat(OnnxParity.maxAbsDiff(whole, zeroMask)).as("all-zero mask vs no mask").isLessThanOrEqualTo(1e-6);
            assertThat(OnnxParity.maxAbsDiff(whole, masked)).as("two masked patches vs none").isGreaterThan(1e-3);
            // Attention mixes every position, so every position moves; the masked one moves most.
            int h = config.hiddenSize();
            int t = config.sequenceLength();
            assertThat(rowDiff(whole, masked, 1 + 3, h)).as("image 0: the masked patch vs an unmasked one")
                    .isGreaterThan(rowDiff(whole, masked, 1 + 10, h));
            assertThat(rowDiff(whole, masked, t + 1 + 7, h)).as("image 1: the masked patch vs an unmasked one")
                    .isGreaterThan(rowDiff(whole, masked, t + 1 + 2, h));
            assertThatThrownBy(() -> plain.forward(scope, batch, some, Dropout.none()))
                    .as("an evaluation model has no mask token").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("mask token");
        }
    }

    @Test
    @DisplayName("a mask token in the weights (a Hugging Face pre-training checkpoint) is the starting value")
    void bundledMaskToken() {
        ModelStore store = new ModelStore(dir);
        ModelManifest base = TinyImages.seededStore(dir);
        ImageEncoderConfig config = ImageEncoderConfig.fromHuggingFace(base.config());
        TensorBundle stored = store.readWeights(base);
        float[] token = new float[config.hiddenSize()];
        Arrays.fill(token, 0.25f);
        TensorBundle.Builder withToken = TensorBundle.builder();
        stored.names().forEach(n -> withToken.put(n, stored.get(n).shape(), stored.get(n).data()));
        withToken.put(ImageParameters.MASK_TOKEN, new long[] {1, 1, config.hiddenSize()}, token);
        try (ImageData2VecModel model = ImageData2VecModel.forTraining(manager, config, withToken.build(),
                new SplittableRandom(1))) {
            assertThat(model.parameters().get(ImageParameters.MASK_TOKEN).toFloatArray()).as("mask token").isEqualTo(token);
        }
    }

    private static ImageBatch randomPixels(int images, ImageEncoderConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[images * config.numChannels() * config.imageSize() * config.imageSize()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return new ImageBatch(values, images, config.numChannels(), config.imageSize());
    }

    /** Every parameter the config calls for, N(0, 0.1²) around 1 for LayerNorm gains and 0 elsewhere. */
    private static TensorBundle randomWeights(ImageEncoderConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TensorBundle.Builder b = TensorBundle.builder();
        for (Map.Entry<String, long[]> e : ImageParameters.shapes(config).entrySet()) {
            float[] data = new float[Math.toIntExact(Arrays.stream(e.getValue()).reduce(1, (x, y) -> x * y))];
            boolean gain = e.getKey().endsWith("norm_before.weight") || e.getKey().endsWith("norm_after.weight")
                    || e.getKey().equals("layernorm.weight");
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) ((gain ? 1 : 0) + random.nextGaussian() * 0.1);
            }
            b.put(e.getKey(), e.getValue(), data);
        }
        return b.build();
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double rowDiff(float[] a, float[] b, int row, int width) {
        double sum = 0;
        for (int j = row * width; j < (row + 1) * width; j++) {
            sum += Math.abs(a[j] - b[j]);
        }
        return sum;
    }
}
