package io.d2vstreams.runtime.image.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.runtime.internal.RandomWeights;
import io.d2vstreams.runtime.internal.onnx.OnnxWeights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Data2VecImageGraphTest {

    /** As released data2vec-vision checkpoints: a bias table per layer, layer scale, mean pooling (no final LayerNorm). */
    private static final ImageEncoderConfig PER_LAYER_BIAS =
            new ImageEncoderConfig(16, 2, 4, 24, 32, 8, 3, 1e-12, 0.1, true, false, false, true);
    /** Every other switch: absolute positions, both bias kinds at once, no layer scale, final LayerNorm; 3×3 patches. */
    private static final ImageEncoderConfig SHARED_BIAS =
            new ImageEncoderConfig(16, 2, 4, 24, 24, 8, 3, 1e-6, 0.0, true, true, true, false);

    static Stream<ImageEncoderConfig> configs() {
        return Stream.of(PER_LAYER_BIAS, SHARED_BIAS);
    }

    @Test
    @DisplayName("the graph turns float pixel_values [batch, 3, 64, 64] into last_hidden_state [batch, 1 + 16 patches, 64]")
    void outputShape() throws Exception {
        ImageEncoderConfig tiny = ImageEncoderConfig.tiny();
        float[][][] out = run(Data2VecImageGraph.write(tiny, ImageParameters.seeded(tiny, 1)), randomPixels(2, 64, 5));

        assertThat(out.length).as("batch").isEqualTo(2);
        assertThat(out[0].length).as("tokens: CLS + (64/16)²").isEqualTo(17);
        assertThat(out[0][0].length).as("hidden").isEqualTo(64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    @DisplayName("ONNX Runtime's output matches a plain-Java Data2VecVisionModel forward pass, every token of every image")
    void matchesReferenceForwardPass(ImageEncoderConfig config) throws Exception {
        TensorBundle weights = RandomWeights.of(ImageParameters.specs(config), 42);
        float[][][][] pixels = randomPixels(2, config.imageSize(), 7);

        float[][][] actual = run(Data2VecImageGraph.write(config, weights), pixels);
        for (int b = 0; b < pixels.length; b++) {
            double[][] expected = ReferenceData2VecImage.forward(config, weights, toDouble(pixels[b]));
            assertThat(actual[b].length).as("tokens").isEqualTo(expected.length);
            for (int t = 0; t < expected.length; t++) {
                for (int j = 0; j < config.hiddenSize(); j++) {
                    assertThat((double) actual[b][t][j]).as("image %d token %d unit %d", b, t, j)
                            .isCloseTo(expected[t][j], within(2e-4));
                }
            }
        }
    }

    @Test
    @DisplayName("the relative position index is BEiT's: offsets between patches, then CLS→patch, patch→CLS, CLS→CLS")
    void relativePositionIndex() {
        // 2×2 patches: (2·2 − 1)² = 9 offsets, rows 9, 10, 11 for the CLS cases. Worked out by
        // hand from generate_relative_position_index: (Δrow + 1)·3 + (Δcol + 1), Δ = query − key.
        long[] expected = {
            11, 9, 9, 9, 9,
            10, 4, 3, 1, 0,
            10, 5, 4, 2, 1,
            10, 7, 6, 4, 3,
            10, 8, 7, 5, 4,
        };
        assertThat(ImageParameters.relativePositionIndex(2)).as("index for a 2×2 grid").containsExactly(expected);
    }

    @Test
    @DisplayName("initializers carry exactly Hugging Face's Data2VecVisionModel names and shapes, the key without a bias")
    void huggingFaceNames() throws Exception {
        ImageEncoderConfig one = new ImageEncoderConfig(16, 1, 4, 24, 32, 8, 3, 1e-12, 0.1, true, false, false, true);
        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("embeddings.cls_token", List.of(1L, 1L, 16L));
        expected.put("embeddings.patch_embeddings.projection.weight", List.of(16L, 3L, 8L, 8L));
        expected.put("embeddings.patch_embeddings.projection.bias", List.of(16L));
        String l = "encoder.layer.0.";
        expected.put(l + "layernorm_before.weight", List.of(16L));
        expected.put(l + "layernorm_before.bias", List.of(16L));
        expected.put(l + "attention.attention.query.weight", List.of(16L, 16L));
        expected.put(l + "attention.attention.query.bias", List.of(16L));
        expected.put(l + "attention.attention.key.weight", List.of(16L, 16L));
        expected.put(l + "attention.attention.value.weight", List.of(16L, 16L));
        expected.put(l + "attention.attention.value.bias", List.of(16L));
        expected.put(l + "attention.attention.relative_position_bias.relative_position_bias_table", List.of(52L, 4L));
        expected.put(l + "attention.output.dense.weight", List.of(16L, 16L));
        expected.put(l + "attention.output.dense.bias", List.of(16L));
        expected.put(l + "lambda_1", List.of(16L));
        expected.put(l + "layernorm_after.weight", List.of(16L));
        expected.put(l + "layernorm_after.bias", List.of(16L));
        expected.put(l + "intermediate.dense.weight", List.of(24L, 16L));
        expected.put(l + "intermediate.dense.bias", List.of(24L));
        expected.put(l + "output.dense.weight", List.of(16L, 24L));
        expected.put(l + "output.dense.bias", List.of(16L));
        expected.put(l + "lambda_2", List.of(16L));

        ModelProto proto = ModelProto.parseFrom(Data2VecImageGraph.write(one, ImageParameters.seeded(one, 1)));
        assertThat(initializers(proto)).as("initializers (the parameters, nothing else) by name and shape")
                .containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(proto.getGraph().getInputList()).extracting(v -> v.getName()).as("graph inputs").containsExactly("pixel_values");
        assertThat(proto.getGraph().getOutputList()).extracting(v -> v.getName())
                .as("graph outputs").containsExactly("last_hidden_state");
    }

    @Test
    @DisplayName("the other switches add position embeddings, the shared bias table and the final layernorm, and drop the layer scales")
    void switchesChangeParameters() throws Exception {
        ModelProto proto = ModelProto.parseFrom(Data2VecImageGraph.write(SHARED_BIAS, ImageParameters.seeded(SHARED_BIAS, 1)));
        Map<String, List<Long>> names = initializers(proto);

        assertThat(names).as("absolute positions for CLS + 9 patches").containsEntry("embeddings.position_embeddings", List.of(1L, 10L, 16L));
        assertThat(names).as("shared table: (2·3 − 1)² + 3 rows")
                .containsEntry("encoder.relative_position_bias.relative_position_bias_table", List.of(28L, 4L));
        assertThat(names).as("final LayerNorm without mean pooling").containsKeys("layernorm.weight", "layernorm.bias");
        assertThat(names.keySet()).as("no layer scale at layer_scale_init_value 0").noneMatch(n -> n.contains("lambda"));
    }

    @Test
    @DisplayName("a checkpoint's extra tensors (a pooler, a mask token) are left out of the graph")
    void extraTensorsIgnored() throws Exception {
        ImageEncoderConfig tiny = ImageEncoderConfig.tiny();
        TensorBundle seeded = ImageParameters.seeded(tiny, 1);
        TensorBundle.Builder withExtras = TensorBundle.builder();
        seeded.names().forEach(n -> withExtras.put(n, seeded.get(n).shape(), seeded.get(n).data()));
        withExtras.put("pooler.layernorm.weight", new long[] {64}, new float[64]);
        withExtras.put("embeddings.mask_token", new long[] {1, 1, 64}, new float[64]);

        ModelProto proto = ModelProto.parseFrom(Data2VecImageGraph.write(tiny, withExtras.build()));
        assertThat(initializers(proto).keySet()).as("initializers").containsExactlyInAnyOrderElementsOf(seeded.names());
    }

    @Test
    @DisplayName("weights read back from the ONNX file are bit-identical to the ones written")
    void weightsRoundTrip() {
        TensorBundle weights = RandomWeights.of(ImageParameters.specs(SHARED_BIAS), 9);
        TensorBundle back = OnnxWeights.read(Data2VecImageGraph.write(SHARED_BIAS, weights));

        assertThat(back.names()).as("names").containsExactlyElementsOf(weights.names());
        for (String name : weights.names()) {
            assertThat(back.get(name).data()).as(name).containsExactly(weights.get(name).data());
        }
    }

    @Test
    @DisplayName("weights of the wrong shape are refused, naming the tensor and both shapes")
    void wrongShapeRefused() {
        TensorBundle seeded = ImageParameters.seeded(PER_LAYER_BIAS, 1);
        TensorBundle.Builder broken = TensorBundle.builder();
        String table = "encoder.layer.1.attention.attention.relative_position_bias.relative_position_bias_table";
        for (String name : seeded.names()) {
            if (name.equals(table)) {
                broken.put(name, new long[] {4, 52}, new float[4 * 52]); // transposed: [heads, rows]
            } else {
                broken.put(name, seeded.get(name).shape(), seeded.get(name).data());
            }
        }
        assertThatThrownBy(() -> Data2VecImageGraph.write(PER_LAYER_BIAS, broken.build()))
                .as("writing a transposed bias table")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(table)
                .hasMessageContaining("[4, 52]")
                .hasMessageContaining("[52, 4]");
    }

    @Test
    @DisplayName("the same seed gives bit-identical weights, another seed different ones; layer scales start at layer_scale_init_value")
    void seeding() {
        ImageEncoderConfig tiny = ImageEncoderConfig.tiny();
        TensorBundle a = ImageParameters.seeded(tiny, 7);
        TensorBundle b = ImageParameters.seeded(tiny, 7);
        TensorBundle c = ImageParameters.seeded(tiny, 8);
        String q = "encoder.layer.0.attention.attention.query.weight";

        for (String name : a.names()) {
            assertThat(b.get(name).data()).as("seed 7 twice: " + name).containsExactly(a.get(name).data());
        }
        assertThat(c.get(q).data()).as("seed 8 vs seed 7").isNotEqualTo(a.get(q).data());
        assertThat(a.get("encoder.layer.1.lambda_2").data()).as("lambda_2").containsOnly(0.1f);
        assertThat(a.get("encoder.layer.0.layernorm_before.weight").data()).as("LayerNorm weight").containsOnly(1f);
        assertThat(a.parameterCount()).as("parameters of the tiny model").isBetween(100_000L, 200_000L);
    }

    private static Map<String, List<Long>> initializers(ModelProto proto) {
        assertThat(proto.getGraph().getInitializerList()).as("initializer types")
                .allSatisfy(t -> assertThat(t.getDataType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE));
        return proto.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, TensorProto::getDimsList, (x, y) -> x, LinkedHashMap::new));
    }

    /** Values like normalised pixels, in [-1, 1]. */
    static float[][][][] randomPixels(int batch, int side, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][][][] pixels = new float[batch][3][side][side];
        for (float[][][] image : pixels) {
            for (float[][] channel : image) {
                for (float[] row : channel) {
                    for (int x = 0; x < side; x++) {
                        row[x] = (float) random.nextDouble(-1, 1);
                    }
                }
            }
        }
        return pixels;
    }

    private static double[][][] toDouble(float[][][] image) {
        double[][][] out = new double[image.length][image[0].length][image[0][0].length];
        for (int c = 0; c < image.length; c++) {
            for (int y = 0; y < image[c].length; y++) {
                for (int x = 0; x < image[c][y].length; x++) {
                    out[c][y][x] = image[c][y][x];
                }
            }
        }
        return out;
    }

    static float[][][] run(byte[] model, float[][][][] pixels) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, so);
                    OnnxTensor input = OnnxTensor.createTensor(env, pixels);
                    OrtSession.Result result = session.run(Map.of("pixel_values", input))) {
                return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            }
        }
    }
}
