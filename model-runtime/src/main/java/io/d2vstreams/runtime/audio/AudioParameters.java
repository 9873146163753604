package io.d2vstreams.runtime.audio;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.spi.ParamSpec;
import io.d2vstreams.runtime.spi.ParamSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parameters of Hugging Face's {@code Data2VecAudioModel}: their names, their shapes in
 * PyTorch layout, and a seeded initialisation. The training-only {@link #MASK_EMBED} (read by
 * SpecAugment masking, never at inference) is not among them. The one place these names are
 * spelled: the ONNX writer, the checkpoint importer and the trainer's DJL model all read them from
 * here, so an export needs no renaming.
 */
public final class AudioParameters {

    /** Hugging Face's {@code initializer_range} for data2vec-audio. */
    static final double INIT_STD = 0.02;

    /**
     * Hugging Face's (and fairseq's {@code mask_emb}) learned vector, shape {@code [hidden]}, that
     * replaces the projected features of masked frames. Hugging Face creates it only when
     * {@code mask_time_prob > 0}; our configs write {@code mask_time_prob: 0.0} and the serving
     * graph never masks, so it is training-only: the trainer's student keeps it, exports leave it out.
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

    /**
     * Whether a parameter belongs to the feature encoder, the feature projection or the
     * positional convolutions: what data2vec audio lets the teacher take from the student as it
     * is, tracking only the Transformer's layers (and its input LayerNorm) with the EMA
     * ({@code ema_transformer_only}, {@code ema_layers_only} in fairseq's
     * {@code examples/data2vec/config/audio/pretraining/base_librispeech.yaml}).
     */
    public static boolean isFeatureEncoder(String name) {
        return name.startsWith(FEATURE_EXTRACTOR_PREFIX) || name.startsWith(FEATURE_PROJECTION)
                || name.startsWith(POS_CONV_PREFIX);
    }

    /** Prefix of Transformer layer {@code i}. */
    public static String layer(int i) {
        return "encoder.layers." + i + ".";
    }

    /**
     * Every parameter of the model in a fixed order (the order seeding and the graph use).
     * Initialisation follows Hugging Face's {@code _init_weights} for data2vec-audio: Conv1d
     * weights Kaiming-normal (std √(2 / fan_in)), feature-encoder conv biases and the feature
     * projection U(−1/√fan_in, 1/√fan_in), positional conv biases 0, Linear N(0, 0.02²) with zero
     * biases, LayerNorm 1 and 0. Normals are truncated at ±2σ, as everywhere in d2v-streams.
     */
    public static List<ParamSpec> specs(AudioEncoderConfig c) {
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        ParamSpec.Init normal = new ParamSpec.Normal(INIT_STD);
        List<ParamSpec> specs = new ArrayList<>();
        long in = 1;
        for (int i = 0; i < c.numConvLayers(); i++) {
            String p = convLayer(i);
            long out = c.convDim().get(i);
            long k = c.convKernel().get(i);
            specs.add(new ParamSpec(p + "conv.weight", new long[] {out, in, k}, kaiming(in * k)));
            if (c.convBias()) {
                specs.add(new ParamSpec(p + "conv.bias", new long[] {out}, new ParamSpec.Uniform(1 / Math.sqrt(in * k))));
            }
            ParamSpecs.addLayerNorm(specs, p + "layer_norm", out);
            in = out;
        }
        ParamSpecs.addLayerNorm(specs, FEATURE_PROJECTION + "layer_norm", in);
        ParamSpec.Init projection = new ParamSpec.Uniform(1 / Math.sqrt(in));
        specs.add(new ParamSpec(FEATURE_PROJECTION + "projection.weight", new long[] {h, in}, projection));
        specs.add(new ParamSpec(FEATURE_PROJECTION + "projection.bias", new long[] {h}, projection));
        long groupWidth = h / c.numConvPosEmbeddingGroups();
        long k = c.convPosKernelSize();
        for (int j = 0; j < c.numConvPosEmbeddings(); j++) {
            // The LayerNorm after each positional conv has no parameters (elementwise_affine=False).
            specs.add(new ParamSpec(posConvLayer(j) + "conv.weight", new long[] {h, groupWidth, k}, kaiming(groupWidth * k)));
            specs.add(new ParamSpec(posConvLayer(j) + "conv.bias", new long[] {h}, ParamSpec.ZEROS));
        }
        ParamSpecs.addLayerNorm(specs, ENCODER_LN, h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = layer(i);
            ParamSpecs.addLinear(specs, p + "attention.q_proj", h, h, normal);
            ParamSpecs.addLinear(specs, p + "attention.k_proj", h, h, normal);
            ParamSpecs.addLinear(specs, p + "attention.v_proj", h, h, normal);
            ParamSpecs.addLinear(specs, p + "attention.out_proj", h, h, normal);
            ParamSpecs.addLayerNorm(specs, p + "layer_norm", h);
            ParamSpecs.addLinear(specs, p + "feed_forward.intermediate_dense", ff, h, normal);
            ParamSpecs.addLinear(specs, p + "feed_forward.output_dense", h, ff, normal);
            ParamSpecs.addLayerNorm(specs, p + "final_layer_norm", h);
        }
        return specs;
    }

    /** Fresh weights (see {@link #specs}); the same seed gives bit-identical weights on every JVM. */
    public static TensorBundle seeded(AudioEncoderConfig c, long seed) {
        return ParamSpecs.seeded(specs(c), seed);
    }

    /**
     * The name and shape of every parameter the config calls for, in graph order: what a
     * checkpoint importer checks a file against before reading any data.
     */
    public static Map<String, long[]> shapes(AudioEncoderConfig c) {
        return ParamSpecs.shapes(specs(c));
    }

    /** @throws IllegalArgumentException naming the first missing or misshapen tensor */
    public static void requireMatches(AudioEncoderConfig c, TensorBundle weights) {
        ParamSpecs.requireMatches(specs(c), weights);
    }

    /** {@code nn.init.kaiming_normal_} with its defaults (fan_in, gain √2). */
    private static ParamSpec.Init kaiming(long fanIn) {
        return new ParamSpec.Normal(Math.sqrt(2.0 / fanIn));
    }
}
