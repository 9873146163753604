package io.d2vstreams.runtime.text.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.internal.RandomWeights;
import io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder;
import io.d2vstreams.runtime.internal.onnx.OnnxWeights;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Data2VecTextGraphTest {

    /** Small enough for a plain-Java reference pass, big enough for several heads and layers. */
    private static final TextEncoderConfig SMALL = new TextEncoderConfig(40, 16, 2, 4, 24, 14, 1, 1e-5, 1);
    private static final int PAD = SMALL.padTokenId();

    @Test
    @DisplayName("the graph turns int64 [batch, sequence] ids and mask into float last_hidden_state [batch, sequence, hidden]")
    void outputShape() throws Exception {
        byte[] model = Data2VecTextGraph.write(SMALL, TextParameters.seeded(SMALL, 1));
        long[][] ids = {{0, 5, 6, 7, 2}, {0, 9, 2, PAD, PAD}, {0, 2, PAD, PAD, PAD}};
        float[][][] out = run(model, ids, maskOf(ids));

        assertThat(out.length).as("batch").isEqualTo(3);
        assertThat(out[0].length).as("sequence").isEqualTo(5);
        assertThat(out[0][0].length).as("hidden").isEqualTo(16);
    }

    @Test
    @DisplayName("initializers carry exactly Hugging Face's Data2VecTextModel names, in PyTorch [out, in] shapes")
    void huggingFaceNames() throws Exception {
        TextEncoderConfig one = new TextEncoderConfig(40, 16, 1, 4, 24, 14, 1, 1e-5, 1);
        ModelProto proto = ModelProto.parseFrom(Data2VecTextGraph.write(one, TextParameters.seeded(one, 1)));
        assertThat(proto.getGraph().getInitializerList()).as("initializer types")
                .allSatisfy(t -> assertThat(t.getDataType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE));
        Map<String, List<Long>> floats = proto.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, TensorProto::getDimsList, (a, b) -> a, LinkedHashMap::new));

        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("embeddings.word_embeddings.weight", List.of(40L, 16L));
        expected.put("embeddings.position_embeddings.weight", List.of(14L, 16L));
        expected.put("embeddings.token_type_embeddings.weight", List.of(1L, 16L));
        expected.put("embeddings.LayerNorm.weight", List.of(16L));
        expected.put("embeddings.LayerNorm.bias", List.of(16L));
        for (String qkv : List.of("query", "key", "value")) {
            expected.put("encoder.layer.0.attention.self." + qkv + ".weight", List.of(16L, 16L));
            expected.put("encoder.layer.0.attention.self." + qkv + ".bias", List.of(16L));
        }
        expected.put("encoder.layer.0.attention.output.dense.weight", List.of(16L, 16L));
        expected.put("encoder.layer.0.attention.output.dense.bias", List.of(16L));
        expected.put("encoder.layer.0.attention.output.LayerNorm.weight", List.of(16L));
        expected.put("encoder.layer.0.attention.output.LayerNorm.bias", List.of(16L));
        expected.put("encoder.layer.0.intermediate.dense.weight", List.of(24L, 16L));
        expected.put("encoder.layer.0.intermediate.dense.bias", List.of(24L));
        expected.put("encoder.layer.0.output.dense.weight", List.of(16L, 24L));
        expected.put("encoder.layer.0.output.dense.bias", List.of(16L));
        expected.put("encoder.layer.0.output.LayerNorm.weight", List.of(16L));
        expected.put("encoder.layer.0.output.LayerNorm.bias", List.of(16L));

        assertThat(floats).as("initializers (the parameters, nothing else) by name and shape").containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(proto.getGraph().getInputList()).extracting(v -> v.getName())
                .as("graph inputs").containsExactly("input_ids", "attention_mask");
        assertThat(proto.getGraph().getOutputList()).extracting(v -> v.getName())
                .as("graph outputs").containsExactly("last_hidden_state");
        assertThat(proto.getOpsetImport(0).getVersion()).as("opset").isEqualTo(17L);
    }

    @Test
    @DisplayName("weights read back from the ONNX file are bit-identical to the ones written")
    void weightsRoundTrip() {
        TensorBundle weights = TextParameters.seeded(SMALL, 9);
        TensorBundle back = OnnxWeights.read(Data2VecTextGraph.write(SMALL, weights));

        assertThat(back.names()).as("names").containsExactlyElementsOf(weights.names());
        for (String name : weights.names()) {
            assertThat(back.get(name).data()).as(name).containsExactly(weights.get(name).data());
            assertThat(back.get(name).shape()).as(name + " shape").containsExactly(weights.get(name).shape());
        }
    }

    @Test
    @DisplayName("ONNX Runtime's output matches a plain-Java Data2VecTextModel forward pass, padding included")
    void matchesReferenceForwardPass() throws Exception {
        // Non-trivial LayerNorm scales and biases too, so a mis-wired one cannot hide.
        TensorBundle weights = randomWeights(SMALL, 42);
        byte[] model = Data2VecTextGraph.write(SMALL, weights);
        long[][] ids = {{0, 7, 19, 33, 4, 2}, {0, 12, 2, PAD, PAD, PAD}};
        long[][] mask = maskOf(ids);

        float[][][] actual = run(model, ids, mask);
        for (int b = 0; b < ids.length; b++) {
            double[][] expected = ReferenceData2VecText.forward(SMALL, weights, ids[b], mask[b]);
            for (int t = 0; t < ids[b].length; t++) {
                for (int j = 0; j < SMALL.hiddenSize(); j++) {
                    assertThat((double) actual[b][t][j]).as("batch %d position %d unit %d", b, t, j)
                            .isCloseTo(expected[t][j], org.assertj.core.data.Offset.offset(2e-4));
                }
            }
        }
    }

    @Test
    @DisplayName("weights of the wrong shape are refused, naming the tensor and both shapes")
    void wrongShapeRefused() {
        TensorBundle seeded = TextParameters.seeded(SMALL, 1);
        TensorBundle.Builder broken = TensorBundle.builder();
        for (String name : seeded.names()) {
            if (name.equals("encoder.layer.1.intermediate.dense.weight")) {
                broken.put(name, new long[] {16, 24}, new float[16 * 24]); // transposed: [in, out]
            } else {
                broken.put(name, seeded.get(name).shape(), seeded.get(name).data());
            }
        }
        assertThatThrownBy(() -> Data2VecTextGraph.write(SMALL, broken.build()))
                .as("writing transposed intermediate weights")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder.layer.1.intermediate.dense.weight")
                .hasMessageContaining("[16, 24]")
                .hasMessageContaining("[24, 16]");
    }

    @Test
    @DisplayName("the graph builder refuses a duplicate value name and a node reading an unknown value")
    void builderChecksNames() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("t");
        g.input("x", OnnxGraphBuilder.FLOAT, "n");
        assertThatThrownBy(() -> g.floatScalar("x", 1f)).as("duplicate").hasMessageContaining("'x' is already used");
        assertThatThrownBy(() -> g.node("y", "Add", List.of("x", "nope")))
                .as("unknown input").hasMessageContaining("unknown value 'nope'");
    }

    static long[][] maskOf(long[][] ids) {
        long[][] mask = new long[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            mask[b] = new long[ids[b].length];
            for (int t = 0; t < ids[b].length; t++) {
                mask[b][t] = ids[b][t] == PAD ? 0 : 1;
            }
        }
        return mask;
    }

    static float[][][] run(byte[] model, long[][] ids, long[][] mask) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, so);
                    OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids);
                    OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                    OrtSession.Result result = session.run(Map.of("input_ids", idsTensor, "attention_mask", maskTensor))) {
                return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            }
        }
    }

    private static TensorBundle randomWeights(TextEncoderConfig c, long seed) {
        return RandomWeights.of(TextParameters.specs(c), seed);
    }
}
