package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioParameters;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.trainer.audio.AudioBatch;
import io.d2vstreams.trainer.audio.AudioData2VecModel;
import io.d2vstreams.trainer.audio.internal.AudioModality;
import io.d2vstreams.trainer.internal.DjlEnvironment;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.Gradients;
import io.d2vstreams.trainer.internal.OnnxParity;
import io.d2vstreams.trainer.internal.TargetBuilder;
import io.d2vstreams.trainer.internal.VersionFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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

@DisplayName("AudioData2VecModel, the DJL twin of model-runtime's audio ONNX graph")
class AudioData2VecModelTest {

    /** One second and 0.5625 s at 16 kHz: 49 and 27 frames, so the second clip is padded by 22 frames. */
    private static final double LONG_SECONDS = 1.0;
    private static final double SHORT_SECONDS = 0.5625;

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
    @DisplayName("on the seeded default and a padded batch of two lengths, last_hidden_state equals ONNX Runtime's (max abs diff <= 1e-4)")
    void seededDefaultParity() {
        ModelStore store = new ModelStore(dir);
        ModelManifest base = TinyAudio.seededStore(dir);
        AudioEncoderConfig config = AudioEncoderConfig.fromHuggingFace(base.config());
        AudioBatch batch = twoLengths(1);
        try (AudioData2VecModel model = AudioData2VecModel.fromWeights(manager, config, store.readWeights(base));
                NDManager scope = manager.newSubManager()) {
            AudioData2VecModel.Output out = model.forward(scope, batch);
            float[] djl = out.lastHiddenState().toFloatArray();
            float[] onnx = AudioModality.servingLastHiddenState(VersionFiles.read(base, ModelStore.MODEL_FILE), batch);
            assertThat(out.lastHiddenState().getShape().getShape()).as("[clips, frames, hidden]")
                    .containsExactly(2, 49, config.hiddenSize());
            assertThat(out.validFrames()).as("valid frames by the convolution formula").containsExactly(49, 27);
            assertThat(OnnxParity.maxAbsDiff(djl, onnx)).as("max |DJL - ONNX|").isLessThanOrEqualTo(1e-4);
            assertThat(maxAbs(onnx)).as("the output is not trivially small").isGreaterThan(0.1);
        }
    }

    /** Configs whose switches differ from the seeded default's: no conv bias, even and odd positional kernels, eps. */
    static Stream<AudioEncoderConfig> switches() {
        List<Integer> dims = List.of(16, 16, 16, 16, 16, 16, 24);
        return Stream.of(
                new AudioEncoderConfig(dims, AudioEncoderConfig.STANDARD_KERNELS, AudioEncoderConfig.STANDARD_STRIDES, true,
                        32, 2, 4, 64, 2, 2, 4, 1e-5),
                new AudioEncoderConfig(dims, AudioEncoderConfig.STANDARD_KERNELS, AudioEncoderConfig.STANDARD_STRIDES, false,
                        32, 2, 2, 48, 3, 4, 3, 1e-6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switches")
    @DisplayName("with random weights of std 0.1, last_hidden_state matches ONNX on a padded batch, and a padded clip matches the clip alone")
    void switchesParity(AudioEncoderConfig config) {
        TensorBundle weights = randomWeights(config, 3);
        ModelManifest version = new ModelStore(dir).add(AudioSpec.INSTANCE, "switches", config, weights, AudioPreprocessorConfig.defaults());
        AudioBatch batch = twoLengths(4);
        AudioBatch shortAlone = AudioBatch.of(List.of(Arrays.copyOfRange(batch.values(), batch.samples(),
                batch.samples() + batch.length(1))));
        try (AudioData2VecModel model = AudioData2VecModel.fromWeights(manager, config, weights);
                NDManager scope = manager.newSubManager()) {
            float[] djl = model.forward(scope, batch).lastHiddenState().toFloatArray();
            float[] onnx = AudioModality.servingLastHiddenState(VersionFiles.read(version, ModelStore.MODEL_FILE), batch);
            assertThat(OnnxParity.maxAbsDiff(djl, onnx)).as("max |DJL - ONNX|").isLessThanOrEqualTo(1e-4);

            int h = config.hiddenSize();
            int frames = batch.frames(config);
            int valid = config.frames(batch.length(1));
            float[] alone = model.forward(scope, shortAlone).lastHiddenState().toFloatArray();
            float[] inBatch = Arrays.copyOfRange(djl, frames * h, frames * h + valid * h);
            assertThat(alone).as("frames of the short clip alone").hasSize(valid * h);
            assertThat(OnnxParity.maxAbsDiff(inBatch, alone)).as("short clip: padded in the batch vs alone")
                    .isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    @DisplayName("toBundle round-trips the store's weights: the serving graph's names and shapes, no masked_spec_embed")
    void bundleRoundTrip() {
        ModelStore store = new ModelStore(dir);
        ModelManifest base = TinyAudio.seededStore(dir);
        AudioEncoderConfig config = AudioEncoderConfig.fromHuggingFace(base.config());
        TensorBundle stored = store.readWeights(base);
        try (AudioData2VecModel model = AudioData2VecModel.forTraining(manager, config, stored, new SplittableRandom(1))) {
            assertThat(model.hasMaskEmbedding()).as("a training model has a mask embedding").isTrue();
            TensorBundle exported = model.toBundle();
            assertThat(exported.names()).as("exported names, in graph order")
                    .containsExactlyElementsOf(AudioParameters.shapes(config).keySet())
                    .containsExactlyInAnyOrderElementsOf(stored.names())
                    .doesNotContain(AudioParameters.MASK_EMBED);
            for (String name : stored.names()) {
                assertThat(exported.get(name).shape()).as("shape of %s", name).isEqualTo(stored.get(name).shape());
                assertThat(exported.get(name).data()).as("values of %s", name).isEqualTo(stored.get(name).data());
            }
            ModelManifest again = store.add(AudioSpec.INSTANCE, "round-trip", config, exported, AudioPreprocessorConfig.defaults());
            assertThat(again.sha256ByFile().get(ModelStore.MODEL_FILE)).as("model.onnx written from the export")
                    .isEqualTo(base.sha256ByFile().get(ModelStore.MODEL_FILE));
        }
    }

    @Test
    @DisplayName("the same seed gives the same weights and mask embedding, another seed other ones")
    void seeds() {
        AudioEncoderConfig config = AudioEncoderConfig.tiny();
        TensorBundle seven = readSeeded(dir.resolve("a"), 7);
        TensorBundle sevenAgain = readSeeded(dir.resolve("b"), 7);
        TensorBundle eight = readSeeded(dir.resolve("c"), 8);
        try (AudioData2VecModel a = AudioData2VecModel.forTraining(manager, config, seven, new SplittableRandom(1));
                AudioData2VecModel b = AudioData2VecModel.forTraining(manager, config, sevenAgain, new SplittableRandom(1));
                AudioData2VecModel c = AudioData2VecModel.forTraining(manager, config, eight, new SplittableRandom(2))) {
            for (Map.Entry<String, NDArray> e : a.parameters().entrySet()) {
                float[] first = e.getValue().toFloatArray();
                assertThat(b.parameters().get(e.getKey()).toFloatArray()).as("%s, same seed", e.getKey()).isEqualTo(first);
                if (!isConstant(first)) {
                    assertThat(c.parameters().get(e.getKey()).toFloatArray()).as("%s, another seed", e.getKey())
                            .isNotEqualTo(first);
                }
            }
            float[] embed = a.parameters().get(AudioParameters.MASK_EMBED).toFloatArray();
            assertThat(embed).as("mask embedding").hasSize(config.hiddenSize());
            for (float v : embed) {
                assertThat(v).as("a value of the mask embedding, U(0, 1)").isBetween(0f, 1f);
            }
            assertThat(isConstant(embed)).as("mask embedding is random").isFalse();
            assertThat(a.parameters().get("feature_extractor.conv_layers.0.conv.weight").toFloatArray())
                    .as("the first convolution, seeds 7 and 8")
                    .isNotEqualTo(c.parameters().get("feature_extractor.conv_layers.0.conv.weight").toFloatArray());
        }
    }

    @Test
    @DisplayName("a frame mask replaces exactly the masked frames' encoder input by masked_spec_embed; an all-zero mask changes nothing")
    void maskEmbedding() {
        ModelStore store = new ModelStore(dir);
        ModelManifest base = TinyAudio.seededStore(dir);
        AudioEncoderConfig config = AudioEncoderConfig.fromHuggingFace(base.config());
        AudioBatch batch = twoLengths(5);
        int frames = batch.frames(config);
        int h = config.hiddenSize();
        float[] none = new float[2 * frames];
        float[] some = new float[2 * frames];
        for (int f = 3; f < 13; f++) {
            some[f] = 1; // clip 0, frames 3 to 12
        }
        for (int f = 20; f < 25; f++) {
            some[frames + f] = 1; // clip 1, frames 20 to 24 of its 27
        }
        try (AudioData2VecModel model = AudioData2VecModel.forTraining(manager, config, store.readWeights(base),
                new SplittableRandom(1));
                AudioData2VecModel plain = AudioData2VecModel.fromWeights(manager, config, store.readWeights(base));
                NDManager scope = manager.newSubManager()) {
            AudioData2VecModel.Output whole = model.forward(scope, batch);
            AudioData2VecModel.Output zeroMask = model.forward(scope, batch, none, Dropout.none());
            AudioData2VecModel.Output masked = model.forward(scope, batch, some, Dropout.none());
            float[] embed = model.parameters().get(AudioParameters.MASK_EMBED).toFloatArray();

            float[] before = whole.encoderInput().toFloatArray();
            float[] after = masked.encoderInput().toFloatArray();
            for (int row = 0; row < 2 * frames; row++) {
                float[] a = Arrays.copyOfRange(after, row * h, (row + 1) * h);
                if (some[row] == 1) {
                    assertThat(a).as("encoder input of masked frame %d", row).isEqualTo(embed);
                } else {
                    assertThat(a).as("encoder input of unmasked frame %d", row)
                            .isEqualTo(Arrays.copyOfRange(before, row * h, (row + 1) * h));
                }
            }
            assertThat(maxAbs(Arrays.copyOfRange(after, (frames + 27) * h, 2 * frames * h))).as("padded frames of clip 1")
                    .isZero();

            float[] plainOut = whole.lastHiddenState().toFloatArray();
            float[] maskedOut = masked.lastHiddenState().toFloatArray();
            assertThat(OnnxParity.maxAbsDiff(plainOut, zeroMask.lastHiddenState().toFloatArray()))
                    .as("all-zero mask vs no mask").isLessThanOrEqualTo(1e-6);
            // Convolutions and attention mix every frame, so every frame moves; the masked ones move most.
            assertThat(meanRowDiff(plainOut, maskedOut, h, 3, 13)).as("clip 0: masked frames vs unmasked ones")
                    .isGreaterThan(meanRowDiff(plainOut, maskedOut, h, 30, 49));

            float[] onPadding = new float[2 * frames];
            onPadding[frames + 30] = 1;
            assertThatThrownBy(() -> model.forward(scope, batch, onPadding, Dropout.none()))
                    .as("a mask on padding").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padding");
            assertThatThrownBy(() -> plain.forward(scope, batch, some, Dropout.none()))
                    .as("an evaluation model has no mask embedding").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("mask embedding");
        }
    }

    @Test
    @DisplayName("instance-norm targets from the layer outputs are finite, zero-mean and unit-variance per channel over each clip's valid frames")
    void instanceNormTargets() {
        ModelStore store = new ModelStore(dir);
        ModelManifest base = TinyAudio.seededStore(dir);
        AudioEncoderConfig config = AudioEncoderConfig.fromHuggingFace(base.config());
        AudioBatch batch = twoLengths(6);
        AudioBatch shortAlone = AudioBatch.of(List.of(Arrays.copyOfRange(batch.values(), batch.samples(),
                batch.samples() + batch.length(1))));
        int h = config.hiddenSize();
        int frames = batch.frames(config);
        try (AudioData2VecModel model = AudioData2VecModel.fromWeights(manager, config, store.readWeights(base));
                NDManager scope = manager.newSubManager()) {
            AudioData2VecModel.Output out = model.forward(scope, batch);
            int[] valid = out.validFrames();
            assertThat(out.validMask().toFloatArray()).as("valid mask row sums")
                    .satisfies(m -> assertThat(sum(m, 0, frames)).isEqualTo(49))
                    .satisfies(m -> assertThat(sum(m, frames, 2 * frames)).isEqualTo(27));

            for (List<NDArray> layers : List.of(out.blockOutputs(), out.ffnOutputs())) {
                boolean blocks = layers == out.blockOutputs();
                float[] top1 = TargetBuilder.build(layers, 1, TargetBuilder.Norm.INSTANCE, out.validMask()).toFloatArray();
                float[] raw = layers.get(layers.size() - 1).toFloatArray();
                assertThat(top1).as("targets").hasSize(2 * frames * h);
                assertThat(allFinite(top1)).as("every target is finite, padding included").isTrue();
                for (int clip = 0; clip < 2; clip++) {
                    for (int c = 0; c < h; c++) {
                        double[] target = moments(top1, clip, c, frames, valid[clip], h);
                        double rawVariance = moments(raw, clip, c, frames, valid[clip], h)[1];
                        assertThat(target[0]).as("clip %d channel %d: mean over valid frames", clip, c).isCloseTo(0, within(1e-4));
                        // Unit variance up to PyTorch's eps: var / (var + 1e-5).
                        assertThat(target[1]).as("clip %d channel %d: variance over valid frames", clip, c)
                                .isCloseTo(rawVariance / (rawVariance + 1e-5), within(1e-3));
                        if (blocks) {
                            // Layer outputs (after LayerNorm) vary by 0.1 to 1 over time, so eps plays no part.
                            // The seeded default's feed-forward outputs are small (N(0, 0.02²) weights) and
                            // some channels vary by only ~1e-4 over time, where eps leaves 0.87 to 0.97.
                            assertThat(target[1]).as("clip %d channel %d: variance of a block target", clip, c)
                                    .isCloseTo(1, within(1e-3));
                        }
                    }
                }
                float[] all = TargetBuilder.build(layers, 8, TargetBuilder.Norm.INSTANCE, out.validMask()).toFloatArray();
                assertThat(allFinite(all)).as("every top-K average is finite").isTrue();
            }

            // Padding is left out of the statistics: the short clip's targets are those of the clip alone.
            AudioData2VecModel.Output alone = model.forward(scope, shortAlone);
            float[] batched = TargetBuilder.build(out.blockOutputs(), 2, TargetBuilder.Norm.INSTANCE, out.validMask())
                    .toFloatArray();
            float[] single = TargetBuilder.build(alone.blockOutputs(), 2, TargetBuilder.Norm.INSTANCE, alone.validMask())
                    .toFloatArray();
            assertThat(OnnxParity.maxAbsDiff(Arrays.copyOfRange(batched, frames * h, (frames + 27) * h), single))
                    .as("short clip's targets: in the padded batch vs alone").isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    @DisplayName("one backward pass through a masked, padded batch reaches every parameter, the mask embedding and an even positional kernel included")
    void gradientsReachEveryParameter() {
        AudioEncoderConfig config = switches().findFirst().orElseThrow();
        assertThat(config.convPosKernelSize() % 2).as("an even kernel, trimmed by one frame").isZero();
        AudioBatch batch = twoLengths(7);
        int frames = batch.frames(config);
        float[] mask = new float[2 * frames];
        for (int f = 5; f < 15; f++) {
            mask[f] = 1;
            mask[frames + f] = 1;
        }
        Engine engine = DjlEnvironment.pytorch();
        try (AudioData2VecModel model = AudioData2VecModel.forTraining(manager, config, randomWeights(config, 8),
                new SplittableRandom(2));
                NDManager scope = manager.newSubManager()) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            float[] weights = new float[2 * frames * config.hiddenSize()];
            SplittableRandom random = new SplittableRandom(9);
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) random.nextGaussian();
            }
            NDArray projection = scope.create(weights, new Shape(2, frames, config.hiddenSize()));
            Gradients.recordAndBackward(engine, () -> model.forward(scope, batch, mask,
                    Dropout.none()).lastHiddenState().mul(projection).sum());
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                float[] gradient = e.getValue().getGradient().toFloatArray();
                assertThat(allFinite(gradient)).as("gradient of %s is finite", e.getKey()).isTrue();
                assertThat(maxAbs(gradient)).as("gradient of %s", e.getKey()).isGreaterThan(0);
            }
        }
    }

    @Test
    @DisplayName("a clip shorter than the receptive field (400 samples) is refused, naming it")
    void tooShort() {
        try (AudioData2VecModel model = AudioData2VecModel.fromWeights(manager, AudioEncoderConfig.tiny(),
                readSeeded(dir, 7));
                NDManager scope = manager.newSubManager()) {
            AudioBatch batch = AudioBatch.of(List.of(new float[800], new float[399]));
            assertThatThrownBy(() -> model.forward(scope, batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("clip 1 has 399 samples").hasMessageContaining("400");
        }
    }

    /** A one-second clip and a 0.5625 s one, preprocessed as the serving side does and padded into one batch. */
    private static AudioBatch twoLengths(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return TinyAudio.batch(List.of(TinyAudio.wav(LONG_SECONDS, random), TinyAudio.wav(SHORT_SECONDS, random)));
    }

    private static TensorBundle readSeeded(Path root, long seed) {
        ModelStore store = new ModelStore(root);
        return store.readWeights(store.initDefault(Modality.AUDIO, seed));
    }

    /** Every parameter the config calls for, N(0, 0.1²) around 1 for LayerNorm gains and 0 elsewhere. */
    private static TensorBundle randomWeights(AudioEncoderConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TensorBundle.Builder b = TensorBundle.builder();
        for (Map.Entry<String, long[]> e : AudioParameters.shapes(config).entrySet()) {
            float[] data = new float[Math.toIntExact(Arrays.stream(e.getValue()).reduce(1, (x, y) -> x * y))];
            boolean gain = e.getKey().endsWith("layer_norm.weight");
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) ((gain ? 1 : 0) + random.nextGaussian() * 0.1);
            }
            b.put(e.getKey(), e.getValue(), data);
        }
        return b.build();
    }

    /** Mean and biased variance of channel {@code c} of clip {@code clip} over its first {@code valid} frames. */
    private static double[] moments(float[] values, int clip, int c, int frames, int valid, int width) {
        double mean = 0;
        for (int f = 0; f < valid; f++) {
            mean += values[(clip * frames + f) * width + c];
        }
        mean /= valid;
        double variance = 0;
        for (int f = 0; f < valid; f++) {
            double d = values[(clip * frames + f) * width + c] - mean;
            variance += d * d;
        }
        return new double[] {mean, variance / valid};
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isConstant(float[] values) {
        for (float v : values) {
            if (v != values[0]) {
                return false;
            }
        }
        return true;
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static float sum(float[] values, int from, int to) {
        float s = 0;
        for (int i = from; i < to; i++) {
            s += values[i];
        }
        return s;
    }

    /** Mean over rows {@code from} to {@code to} of the L1 distance between a's and b's rows. */
    private static double meanRowDiff(float[] a, float[] b, int width, int from, int to) {
        double sum = 0;
        for (int j = from * width; j < to * width; j++) {
            sum += Math.abs(a[j] - b[j]);
        }
        return sum / (to - from);
    }
}
