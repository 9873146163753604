package io.d2vstreams.runtime.audio.internal;

import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.FLOAT;
import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.INT64;
import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.attr;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioParameters;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder;
import io.d2vstreams.runtime.internal.onnx.TransformerOps;
import io.d2vstreams.runtime.spi.ModalitySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes Hugging Face's {@code Data2VecAudioModel} (Baevski et al. 2022, "data2vec", §3: the
 * wav2vec 2.0 feature encoder and a Transformer) as an ONNX graph: {@code input_values} (float
 * [batch, samples], the 16 kHz waveform, zero-padded on the right) and {@code attention_mask}
 * (int64 [batch, samples], 1 for real samples) → {@code last_hidden_state} (float [batch,
 * frames, hidden]). Initializers carry Hugging Face's parameter names and shapes, so the weights
 * of a transformers checkpoint drop in unchanged.
 *
 * <p>The forward pass follows {@code modeling_data2vec_audio.py}: the feature encoder (per layer
 * an unpadded Conv1d, LayerNorm over channels with PyTorch's default eps 1e-5, exact GELU); the
 * feature projection (LayerNorm, Linear); padded frames set to zero; the positional convolution
 * stack (per layer a grouped Conv1d padded by kernel/2 on both sides and trimmed by one frame
 * when the kernel is even, a LayerNorm without parameters, GELU) added to its input;
 * {@code encoder.layer_norm}; then post-LayerNorm Transformer layers whose attention ignores
 * padded frames. The frame mask comes from the sample mask by the convolution length formula
 * ({@code _get_feature_vector_attention_mask}); a frame is valid when its whole receptive field
 * lies inside the clip, so valid frames never read padding in the feature encoder.
 *
 * <p>One deliberate difference: padded frames are set to zero again before every positional
 * convolution, not only before the first. Hugging Face zeroes them once, so from the second
 * positional layer on, the last frames of a padded clip read values computed from padding and
 * its output depends on what it was batched with (a limitation its docs acknowledge,
 * huggingface/transformers#25621). With the re-zeroing every clip gets exactly the output
 * Hugging Face computes for it alone, unpadded; for an unpadded input nothing changes, since the
 * mask is all ones.
 */
public final class Data2VecAudioGraph {

    public static final String INPUT_VALUES = AudioSpec.INPUT_VALUES;
    public static final String ATTENTION_MASK = AudioSpec.ATTENTION_MASK;
    public static final String LAST_HIDDEN_STATE = ModalitySpec.LAST_HIDDEN_STATE;

    /** {@code nn.LayerNorm}'s default eps, used where Hugging Face does not pass the config's. */
    static final double TORCH_LAYER_NORM_EPS = 1e-5;

    private static final String BATCH = "batch";
    private static final String SAMPLES = "samples";
    private static final String FRAMES = "frames";

    private final OnnxGraphBuilder g = new OnnxGraphBuilder("data2vec_audio");
    private final TransformerOps ops = new TransformerOps(g);
    private final AudioEncoderConfig c;
    private final TensorBundle w;

    private Data2VecAudioGraph(AudioEncoderConfig config, TensorBundle weights) {
        this.c = config;
        this.w = weights;
    }

    /**
     * The serialised ONNX model for these weights.
     *
     * @throws IllegalArgumentException when a weight is missing or misshapen for the config
     */
    public static byte[] write(AudioEncoderConfig config, TensorBundle weights) {
        AudioParameters.requireMatches(config, weights);
        Data2VecAudioGraph graph = new Data2VecAudioGraph(config, weights);
        graph.build();
        return graph.g.toEncoderBytes(AudioEncoderConfig.MODEL_TYPE, config.hiddenSize(), Map.of());
    }

    private void build() {
        g.initializers(AudioParameters.specs(c), w);
        String samples = g.input(INPUT_VALUES, FLOAT, BATCH, SAMPLES);
        String sampleMask = g.input(ATTENTION_MASK, INT64, BATCH, SAMPLES);
        constants();

        String features = featureEncoder(samples);
        String frameMask = frameMask(sampleMask, features);
        String normed = ops.layerNorm("feature_projection.layer_norm.out", features,
                AudioParameters.FEATURE_PROJECTION + "layer_norm", c.layerNormEps());
        String projected = ops.linear(AudioParameters.FEATURE_PROJECTION + "projection", normed);
        String hidden = g.node("encoder.masked_input", "Mul", List.of(projected, "mask.frames_3d"));

        String positions = positionalConvolutions(hidden);
        g.node("encoder.positioned", "Add", List.of(hidden, positions));
        hidden = ops.layerNorm("encoder.layer_norm.out", "encoder.positioned", AudioParameters.ENCODER_LN, c.layerNormEps());

        String additiveMask = additiveMask(frameMask);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            hidden = layer(i, hidden, additiveMask);
        }
        g.node(LAST_HIDDEN_STATE, "Identity", List.of(hidden));
        g.output(LAST_HIDDEN_STATE, FLOAT, BATCH, FRAMES, c.hiddenSize());
    }

    private void constants() {
        ops.declareConstants(c.numAttentionHeads(), c.headSize());
        g.int64Vector("const.axes_0", 0);
        g.int64Vector("const.axes_1", 1);
        g.int64Vector("const.axes_2", 2);
        g.int64Vector("const.axes_1_2", 1, 2);
        g.int64Scalar("const.zero_i64", 0);
        g.int64Scalar("const.one_i64", 1);
        for (int i = 0; i < c.numConvLayers(); i++) {
            g.int64Scalar("const.conv" + i + ".stride_minus_kernel", c.convStride().get(i) - c.convKernel().get(i));
            g.int64Scalar("const.conv" + i + ".stride", c.convStride().get(i));
        }
        if (c.convPosKernelSize() % 2 == 0) {
            g.int64Vector("const.trim_starts", 0);
            g.int64Vector("const.trim_ends", -1);
        }
        float[] ones = new float[c.hiddenSize()];
        Arrays.fill(ones, 1f);
        g.floats("const.pos_ln_scale", new long[] {c.hiddenSize()}, ones);
        g.floats("const.pos_ln_bias", new long[] {c.hiddenSize()}, new float[c.hiddenSize()]);
        // transformers builds the extended mask as (1 - mask) * torch.finfo(dtype).min.
        g.floatScalar("const.mask_min", -Float.MAX_VALUE);
    }

    /** [batch, samples] → [batch, frames, conv_dim[-1]]: per layer Conv1d, LayerNorm over channels, GELU. */
    private String featureEncoder(String samples) {
        String x = g.node("feature_extractor.input", "Unsqueeze", List.of(samples, "const.axes_1"));
        int last = c.numConvLayers() - 1;
        for (int i = 0; i <= last; i++) {
            String p = AudioParameters.convLayer(i);
            List<String> inputs = c.convBias()
                    ? List.of(x, p + "conv.weight", p + "conv.bias")
                    : List.of(x, p + "conv.weight");
            String conv = g.node(p + "conv", "Conv", inputs,
                    attr("kernel_shape", new long[] {c.convKernel().get(i)}),
                    attr("strides", new long[] {c.convStride().get(i)}));
            String channelsLast = g.node(p + "channels_last", "Transpose", List.of(conv), attr("perm", new long[] {0, 2, 1}));
            String normed = ops.layerNorm(p + "layer_norm.out", channelsLast, p + "layer_norm", TORCH_LAYER_NORM_EPS);
            String activated = ops.gelu(p + "gelu", normed);
            x = i == last
                    ? activated
                    : g.node(p + "out", "Transpose", List.of(activated), attr("perm", new long[] {0, 2, 1}));
        }
        return x;
    }

    /**
     * The frame mask, float [batch, frames] (also as [batch, frames, 1] and [batch, 1, frames]):
     * each clip's sample count mapped through every convolution as
     * {@code max(L - kernel + stride, 0) / stride}, which equals
     * {@code floor((L - kernel) / stride) + 1} when {@code L >= kernel} and is 0 below, with
     * integer division that only ever sees non-negative numbers.
     */
    private String frameMask(String sampleMask, String features) {
        String length = g.node("mask.samples", "ReduceSum", List.of(sampleMask, "const.axes_1"), attr("keepdims", 0L));
        for (int i = 0; i < c.numConvLayers(); i++) {
            String p = "mask.conv" + i + ".";
            g.node(p + "shifted", "Add", List.of(length, "const.conv" + i + ".stride_minus_kernel"));
            g.node(p + "clamped", "Max", List.of(p + "shifted", "const.zero_i64"));
            length = g.node(p + "frames", "Div", List.of(p + "clamped", "const.conv" + i + ".stride"));
        }
        g.node("mask.shape", "Shape", List.of(features));
        g.node("mask.padded_frames", "Gather", List.of("mask.shape", "const.one_i64"));
        g.node("mask.positions", "Range", List.of("const.zero_i64", "mask.padded_frames", "const.one_i64"));
        g.node("mask.positions_row", "Unsqueeze", List.of("mask.positions", "const.axes_0"));
        g.node("mask.lengths_column", "Unsqueeze", List.of(length, "const.axes_1"));
        g.node("mask.valid", "Less", List.of("mask.positions_row", "mask.lengths_column"));
        String frames = g.node("mask.frames", "Cast", List.of("mask.valid"), attr("to", (long) FLOAT));
        g.node("mask.frames_3d", "Unsqueeze", List.of(frames, "const.axes_2"));
        g.node("mask.frames_channels_first", "Unsqueeze", List.of(frames, "const.axes_1"));
        return frames;
    }

    /**
     * The positional convolution stack over [batch, frames, hidden] (padded frames zero), same
     * shape out. Padded frames are zeroed before every layer (see the class comment).
     */
    private String positionalConvolutions(String hidden) {
        long k = c.convPosKernelSize();
        String x = g.node("encoder.pos_conv_embed.input", "Transpose", List.of(hidden), attr("perm", new long[] {0, 2, 1}));
        int last = c.numConvPosEmbeddings() - 1;
        for (int j = 0; j <= last; j++) {
            String p = AudioParameters.posConvLayer(j);
            if (j > 0) {
                x = g.node(p + "masked_input", "Mul", List.of(x, "mask.frames_channels_first"));
            }
            String conv = g.node(p + "conv", "Conv", List.of(x, p + "conv.weight", p + "conv.bias"),
                    attr("kernel_shape", new long[] {k}),
                    attr("pads", new long[] {k / 2, k / 2}),
                    attr("group", (long) c.numConvPosEmbeddingGroups()));
            if (k % 2 == 0) {
                // Data2VecAudioPadLayer: an even kernel with padding k/2 yields one frame too many.
                conv = g.node(p + "trimmed", "Slice", List.of(conv, "const.trim_starts", "const.trim_ends", "const.axes_2"));
            }
            String channelsLast = g.node(p + "channels_last", "Transpose", List.of(conv), attr("perm", new long[] {0, 2, 1}));
            String normed = g.node(p + "layer_norm.out", "LayerNormalization",
                    List.of(channelsLast, "const.pos_ln_scale", "const.pos_ln_bias"),
                    attr("axis", -1L), attr("epsilon", (float) TORCH_LAYER_NORM_EPS));
            String activated = ops.gelu(p + "gelu", normed);
            x = j == last
                    ? activated
                    : g.node(p + "out", "Transpose", List.of(activated), attr("perm", new long[] {0, 2, 1}));
        }
        return x;
    }

    /** [batch, frames] float mask → [batch, 1, 1, frames], 0 where attended, float min where not. */
    private String additiveMask(String frameMask) {
        g.node("mask.inverted", "Sub", List.of(TransformerOps.ONE, frameMask));
        g.node("mask.additive", "Mul", List.of("mask.inverted", "const.mask_min"));
        return g.node("mask.extended", "Unsqueeze", List.of("mask.additive", "const.axes_1_2"));
    }

    /** Post-LayerNorm: x = LN(x + attention(x)); x = LN(x + feed_forward(x)). */
    private String layer(int i, String x, String additiveMask) {
        String p = AudioParameters.layer(i);
        String q = ops.linear(p + "attention.q_proj", x);
        String k = ops.linear(p + "attention.k_proj", x);
        String v = ops.linear(p + "attention.v_proj", x);
        String context = ops.selfAttention(p + "attention.", q, k, v, List.of(additiveMask));
        String attention = ops.linear(p + "attention.out_proj", context);
        g.node(p + "attention.residual", "Add", List.of(x, attention));
        String normed = ops.layerNorm(p + "layer_norm.out", p + "attention.residual", p + "layer_norm", c.layerNormEps());

        String f = p + "feed_forward.";
        String inter = ops.gelu(f + "gelu", ops.linear(f + "intermediate_dense", normed));
        String out = ops.linear(f + "output_dense", inter);
        g.node(f + "residual", "Add", List.of(normed, out));
        return ops.layerNorm(p + "final_layer_norm.out", f + "residual", p + "final_layer_norm", c.layerNormEps());
    }
}
