package io.d2vstreams.runtime.audio.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioParameters;
import io.d2vstreams.runtime.internal.RandomWeights;
import io.d2vstreams.runtime.internal.onnx.OnnxWeights;
import java.util.Arrays;
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

class Data2VecAudioGraphTest {

    /** A 3-layer feature encoder (30-sample receptive field), conv biases, 2 positional convs of even kernel 4 in 2 groups. */
    private static final AudioEncoderConfig EVEN_KERNEL = new AudioEncoderConfig(
            List.of(8, 8, 12), List.of(10, 3, 2), List.of(5, 2, 2), true, 16, 2, 4, 24, 2, 2, 4, 1e-5);
    /** No conv biases, 3 positional convs of odd kernel 3 in 4 groups. */
    private static final AudioEncoderConfig ODD_KERNEL = new AudioEncoderConfig(
            List.of(8, 8, 12), List.of(10, 3, 2), List.of(5, 2, 2), false, 16, 2, 4, 24, 3, 4, 3, 1e-5);

    static Stream<AudioEncoderConfig> configs() {
        return Stream.of(EVEN_KERNEL, ODD_KERNEL);
    }

    @Test
    @DisplayName("the tiny default turns input_values [batch, samples] into last_hidden_state [batch, frames, 64], one frame per 320 samples")
    void outputShape() throws Exception {
        AudioEncoderConfig tiny = AudioEncoderConfig.tiny();
        float[][] clips = {noise(16_000, 1), noise(16_000, 2)};
        float[][][] out = run(Data2VecAudioGraph.write(tiny, AudioParameters.seeded(tiny, 1)), clips, masks(clips, 16_000));

        assertThat(out.length).as("batch").isEqualTo(2);
        assertThat(out[0].length).as("frames of one second, as Hugging Face's formula gives").isEqualTo(49).isEqualTo(tiny.frames(16_000));
        assertThat(out[0][0].length).as("hidden").isEqualTo(64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    @DisplayName("ONNX Runtime's output matches a plain-Java Data2VecAudioModel forward pass on unpadded clips")
    void matchesReferenceForwardPass(AudioEncoderConfig config) throws Exception {
        TensorBundle weights = RandomWeights.of(AudioParameters.specs(config), 42);
        float[][] clips = {noise(600, 3), noise(600, 4)};

        float[][][] actual = run(Data2VecAudioGraph.write(config, weights), clips, masks(clips, 600));
        for (int b = 0; b < clips.length; b++) {
            assertFramesMatch(actual[b], ReferenceData2VecAudio.forward(config, weights, clips[b]), "clip " + b);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    @DisplayName("a clip padded in a batch gets, on its valid frames, exactly the output of the clip alone")
    void paddedClipMatchesClipAlone(AudioEncoderConfig config) throws Exception {
        TensorBundle weights = RandomWeights.of(AudioParameters.specs(config), 43);
        float[] longClip = noise(600, 5);
        float[] shortClip = noise(430, 6);
        float[][] batch = {longClip, Arrays.copyOf(shortClip, 600)}; // zero-padded, as the encoder pads

        float[][][] actual = run(Data2VecAudioGraph.write(config, weights), batch, new long[][] {ones(600, 600), ones(430, 600)});
        double[][] alone = ReferenceData2VecAudio.forward(config, weights, shortClip);
        assertThat(alone.length).as("frames of 430 samples").isEqualTo(config.frames(430)).isEqualTo(21);
        assertThat(actual[1].length).as("padded frames in the batch").isEqualTo(config.frames(600));
        assertFramesMatch(Arrays.copyOf(actual[1], alone.length), alone, "short clip in a padded batch");
        assertFramesMatch(actual[0], ReferenceData2VecAudio.forward(config, weights, longClip), "long clip");
    }

    @Test
    @DisplayName("initializers carry exactly Hugging Face's Data2VecAudioModel names and shapes")
    void huggingFaceNames() throws Exception {
        AudioEncoderConfig one = new AudioEncoderConfig(List.of(8, 12), List.of(10, 3), List.of(5, 2), true, 16, 1, 4, 24, 1, 2, 4, 1e-5);
        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("feature_extractor.conv_layers.0.conv.weight", List.of(8L, 1L, 10L));
        expected.put("feature_extractor.conv_layers.0.conv.bias", List.of(8L));
        expected.put("feature_extractor.conv_layers.0.layer_norm.weight", List.of(8L));
        expected.put("feature_extractor.conv_layers.0.layer_norm.bias", List.of(8L));
        expected.put("feature_extractor.conv_layers.1.conv.weight", List.of(12L, 8L, 3L));
        expected.put("feature_extractor.conv_layers.1.conv.bias", List.of(12L));
        expected.put("feature_extractor.conv_layers.1.layer_norm.weight", List.of(12L));
        expected.put("feature_extractor.conv_layers.1.layer_norm.bias", List.of(12L));
        expected.put("feature_projection.layer_norm.weight", List.of(12L));
        expected.put("feature_projection.layer_norm.bias", List.of(12L));
        expected.put("feature_projection.projection.weight", List.of(16L, 12L));
        expected.put("feature_projection.projection.bias", List.of(16L));
        expected.put("encoder.pos_conv_embed.layers.0.conv.weight", List.of(16L, 8L, 4L));
        expected.put("encoder.pos_conv_embed.layers.0.conv.bias", List.of(16L));
        expected.put("encoder.layer_norm.weight", List.of(16L));
        expected.put("encoder.layer_norm.bias", List.of(16L));
        String l = "encoder.layers.0.";
        for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
            expected.put(l + "attention." + proj + ".weight", List.of(16L, 16L));
            expected.put(l + "attention." + proj + ".bias", List.of(16L));
        }
        expected.put(l + "layer_norm.weight", List.of(16L));
        expected.put(l + "layer_norm.bias", List.of(16L));
        expected.put(l + "feed_forward.intermediate_dense.weight", List.of(24L, 16L));
        expected.put(l + "feed_forward.intermediate_dense.bias", List.of(24L));
        expected.put(l + "feed_forward.output_dense.weight", List.of(16L, 24L));
        expected.put(l + "feed_forward.output_dense.bias", List.of(16L));
        expected.put(l + "final_layer_norm.weight", List.of(16L));
        expected.put(l + "final_layer_norm.bias", List.of(16L));

        ModelProto proto = ModelProto.parseFrom(Data2VecAudioGraph.write(one, AudioParameters.seeded(one, 1)));
        assertThat(proto.getGraph().getInitializerList()).as("initializer types")
                .allSatisfy(t -> assertThat(t.getDataType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE));
        Map<String, List<Long>> actual = proto.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, TensorProto::getDimsList, (x, y) -> x, LinkedHashMap::new));
        assertThat(actual).as("initializers (the parameters, nothing else) by name and shape").containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(proto.getGraph().getInputList()).extracting(v -> v.getName())
                .as("graph inputs").containsExactly("input_values", "attention_mask");
        assertThat(proto.getGraph().getOutputList()).extracting(v -> v.getName())
                .as("graph outputs").containsExactly("last_hidden_state");
    }

    @Test
    @DisplayName("the graph's frame count follows the convolution formula for every length, down to the receptive field")
    void frameCounts() throws Exception {
        byte[] model = Data2VecAudioGraph.write(EVEN_KERNEL, AudioParameters.seeded(EVEN_KERNEL, 1));
        assertThat(EVEN_KERNEL.receptiveField()).as("receptive field of kernels 10, 3, 2 with strides 5, 2, 2").isEqualTo(30);
        for (int samples : new int[] {30, 31, 49, 50, 333}) {
            float[][] clip = {noise(samples, samples)};
            assertThat(run(model, clip, masks(clip, samples))[0].length).as("frames of %d samples", samples)
                    .isEqualTo(EVEN_KERNEL.frames(samples));
        }
        assertThat(EVEN_KERNEL.frames(29)).as("frames below the receptive field").isZero();
    }

    @Test
    @DisplayName("weights read back from the ONNX file are bit-identical to the ones written")
    void weightsRoundTrip() {
        TensorBundle weights = RandomWeights.of(AudioParameters.specs(ODD_KERNEL), 9);
        TensorBundle back = OnnxWeights.read(Data2VecAudioGraph.write(ODD_KERNEL, weights));

        assertThat(back.names()).as("names").containsExactlyElementsOf(weights.names());
        for (String name : weights.names()) {
            assertThat(back.get(name).data()).as(name).containsExactly(weights.get(name).data());
        }
    }

    @Test
    @DisplayName("weights of the wrong shape are refused, naming the tensor and both shapes")
    void wrongShapeRefused() {
        TensorBundle seeded = AudioParameters.seeded(EVEN_KERNEL, 1);
        TensorBundle.Builder broken = TensorBundle.builder();
        String pos = "encoder.pos_conv_embed.layers.1.conv.weight";
        for (String name : seeded.names()) {
            if (name.equals(pos)) {
                broken.put(name, new long[] {16, 16, 4}, new float[16 * 16 * 4]); // ungrouped
            } else {
                broken.put(name, seeded.get(name).shape(), seeded.get(name).data());
            }
        }
        assertThatThrownBy(() -> Data2VecAudioGraph.write(EVEN_KERNEL, broken.build()))
                .as("writing an ungrouped positional conv")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pos)
                .hasMessageContaining("[16, 16, 4]")
                .hasMessageContaining("[16, 8, 4]");
    }

    @Test
    @DisplayName("the same seed gives bit-identical weights, another seed different ones; conv weights start Kaiming-normal")
    void seeding() {
        AudioEncoderConfig tiny = AudioEncoderConfig.tiny();
        TensorBundle a = AudioParameters.seeded(tiny, 7);
        TensorBundle b = AudioParameters.seeded(tiny, 7);
        TensorBundle c = AudioParameters.seeded(tiny, 8);
        String q = "encoder.layers.0.attention.q_proj.weight";

        for (String name : a.names()) {
            assertThat(b.get(name).data()).as("seed 7 twice: " + name).containsExactly(a.get(name).data());
        }
        assertThat(c.get(q).data()).as("seed 8 vs seed 7").isNotEqualTo(a.get(q).data());
        float[] conv = a.get("feature_extractor.conv_layers.1.conv.weight").data(); // fan-in 32·3
        double sq = 0;
        for (float x : conv) {
            sq += x * x;
        }
        assertThat(Math.sqrt(sq / conv.length)).as("std of a 2σ-truncated Kaiming normal, √(2/96)·0.88")
                .isBetween(0.11, 0.14);
        assertThat(a.get("encoder.pos_conv_embed.layers.0.conv.bias").data()).as("positional conv bias").containsOnly(0f);
    }

    private static void assertFramesMatch(float[][] actual, double[][] expected, String what) {
        assertThat(actual.length).as("%s: frames", what).isEqualTo(expected.length);
        for (int t = 0; t < expected.length; t++) {
            for (int j = 0; j < expected[t].length; j++) {
                assertThat((double) actual[t][j]).as("%s frame %d unit %d", what, t, j).isCloseTo(expected[t][j], within(2e-4));
            }
        }
    }

    /** Values like a normalised waveform. */
    static float[] noise(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-1.5, 1.5);
        }
        return x;
    }

    private static long[][] masks(float[][] clips, int length) {
        long[][] m = new long[clips.length][];
        for (int i = 0; i < clips.length; i++) {
            m[i] = ones(length, length);
        }
        return m;
    }

    private static long[] ones(int valid, int length) {
        long[] m = new long[length];
        Arrays.fill(m, 0, valid, 1L);
        return m;
    }

    static float[][][] run(byte[] model, float[][] values, long[][] mask) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, so);
                    OnnxTensor valuesTensor = OnnxTensor.createTensor(env, values);
                    OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                    OrtSession.Result result = session.run(Map.of("input_values", valuesTensor, "attention_mask", maskTensor))) {
                return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            }
        }
    }
}
