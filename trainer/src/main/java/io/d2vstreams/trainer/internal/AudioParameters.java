package io.d2vstreams.trainer.internal;

import io.d2vstreams.runtime.AudioEncoderConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The parameters of Hugging Face's {@code Data2VecAudioModel} by name and PyTorch shape, in the
 * order of model-runtime's ONNX writer ({@code Data2VecAudioGraph}, {@code AudioWeights}), plus
 * the training-only {@code masked_spec_embed}. These names are the contract with the serving
 * graph: {@code ModelStore.addAudio} refuses weights that miss one or have another shape, and
 * the parity test runs both models.
 */
public final class AudioParameters {

    /**
     * Hugging Face's (and fairseq's {@code mask_emb}) learned vector that replaces the projected
     * features of masked frames. Hugging Face creates it only when {@code mask_time_prob > 0};
     * model-runtime writes {@code mask_time_prob: 0.0} and the serving graph never masks, so the
     * trainer keeps it out of exports (see {@code AudioData2VecModel}).
     */
    public static final String MASK_EMBED = "masked_spec_embed";
    public static final String FEATURE_EXTRACTOR_PREFIX = "feature_extractor.";
    public static final String FEATURE_PROJECTION = "feature_projection.";
    public static final String POS_CONV_PREFIX = "encoder.pos_conv_embed.";
    public static final String ENCODER_LN = "encoder.layer_norm";

    private AudioParameters() {}

    /** Prefix of feature-encoder convolution {@code i}. */
    public static String convLayer(int i) {
        return FEATURE_EXTRACTOR_PREFIX + "conv_layers." + i + ".";
    }

    /** Prefix of positional convolution {@code j}. */
    public static String posConvLayer(int j) {
        return POS_CONV_PREFIX + "layers." + j + ".";
    }

    public static String layer(int i) {
        return "encoder.layers." + i + ".";
    }

    /** Name → shape of every exported parameter, in graph order (no {@link #MASK_EMBED}). */
    public static Map<String, long[]> shapes(AudioEncoderConfig c) {
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        long in = 1;
        for (int i = 0; i < c.numConvLayers(); i++) {
            String p = convLayer(i);
            long out = c.convDim().get(i);
            s.put(p + "conv.weight", new long[] {out, in, c.convKernel().get(i)});
            if (c.convBias()) {
                s.put(p + "conv.bias", new long[] {out});
            }
            layerNorm(s, p + "layer_norm", out);
            in = out;
        }
        layerNorm(s, FEATURE_PROJECTION + "layer_norm", in);
        linear(s, FEATURE_PROJECTION + "projection", h, in);
        for (int j = 0; j < c.numConvPosEmbeddings(); j++) {
            // The LayerNorm after each positional conv has no parameters (elementwise_affine=False).
            s.put(posConvLayer(j) + "conv.weight", new long[] {h, h / c.numConvPosEmbeddingGroups(), c.convPosKernelSize()});
            s.put(posConvLayer(j) + "conv.bias", new long[] {h});
        }
        layerNorm(s, ENCODER_LN, h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String l = layer(i);
            linear(s, l + "attention.q_proj", h, h);
            linear(s, l + "attention.k_proj", h, h);
            linear(s, l + "attention.v_proj", h, h);
            linear(s, l + "attention.out_proj", h, h);
            layerNorm(s, l + "layer_norm", h);
            linear(s, l + "feed_forward.intermediate_dense", ff, h);
            linear(s, l + "feed_forward.output_dense", h, ff);
            layerNorm(s, l + "final_layer_norm", h);
        }
        return s;
    }

    /**
     * The parameters an EMA teacher takes from the student as they are rather than averaging
     * them: the feature encoder, the feature projection and the positional convolutions. data2vec
     * audio's settings ({@code ema_transformer_only} and {@code ema_layers_only}, fairseq
     * {@code examples/data2vec/config/audio/pretraining/base_librispeech.yaml}) track only the
     * Transformer's layers (and its input LayerNorm) with the EMA.
     */
    public static Predicate<String> sharedWithTeacher() {
        return name -> name.startsWith(FEATURE_EXTRACTOR_PREFIX) || name.startsWith(FEATURE_PROJECTION)
                || name.startsWith(POS_CONV_PREFIX);
    }

    private static void linear(Map<String, long[]> s, String module, long out, long in) {
        s.put(module + ".weight", new long[] {out, in});
        s.put(module + ".bias", new long[] {out});
    }

    private static void layerNorm(Map<String, long[]> s, String module, long width) {
        s.put(module + ".weight", new long[] {width});
        s.put(module + ".bias", new long[] {width});
    }
}
