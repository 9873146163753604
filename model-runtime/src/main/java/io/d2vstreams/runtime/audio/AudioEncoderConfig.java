package io.d2vstreams.runtime.audio;

import io.d2vstreams.runtime.EncoderConfig;
import io.d2vstreams.runtime.internal.HfConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes of a data2vec audio encoder (Hugging Face {@code Data2VecAudioConfig}): a
 * convolutional feature encoder over the raw 16 kHz waveform, a positional convolution stack and
 * a post-LayerNorm transformer. Read from and written to the keys of Hugging Face's
 * {@code config.json}, so a checkpoint's config imports unchanged.
 *
 * @param convDim {@code conv_dim}: output channels of each feature-encoder convolution
 * @param convKernel {@code conv_kernel}: kernel of each, in samples of its input
 * @param convStride {@code conv_stride}: stride of each
 * @param convBias {@code conv_bias}: whether the feature-encoder convolutions have biases
 * @param hiddenSize {@code hidden_size}: width of every frame's vector, the embedding dim
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}; must divide {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}: width of the feed-forward layer
 * @param numConvPosEmbeddings {@code num_conv_pos_embeddings}: layers of the positional
 *     convolution stack (data2vec-audio stacks several, wav2vec 2.0 has one)
 * @param numConvPosEmbeddingGroups {@code num_conv_pos_embedding_groups}: groups of each
 *     positional convolution; must divide {@code hidden_size}
 * @param convPosKernelSize {@code conv_pos_kernel_size}: kernel of each positional convolution
 * @param layerNormEps {@code layer_norm_eps} of the feature projection and the transformer
 *     (the feature encoder's and the positional stack's LayerNorms use PyTorch's 1e-5)
 */
public record AudioEncoderConfig(
        List<Integer> convDim,
        List<Integer> convKernel,
        List<Integer> convStride,
        boolean convBias,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        int numConvPosEmbeddings,
        int numConvPosEmbeddingGroups,
        int convPosKernelSize,
        double layerNormEps) implements EncoderConfig {

    /** Hugging Face {@code model_type} of data2vec audio. */
    public static final String MODEL_TYPE = "data2vec-audio";

    /** wav2vec 2.0 / data2vec-audio feature encoder: 7 convolutions, 20 ms frames at 16 kHz. */
    public static final List<Integer> STANDARD_KERNELS = List.of(10, 3, 3, 3, 3, 2, 2);
    public static final List<Integer> STANDARD_STRIDES = List.of(5, 2, 2, 2, 2, 2, 2);

    public AudioEncoderConfig {
        convDim = positives("conv_dim", convDim);
        convKernel = positives("conv_kernel", convKernel);
        convStride = positives("conv_stride", convStride);
        if (convKernel.size() != convDim.size() || convStride.size() != convDim.size()) {
            throw new IllegalArgumentException("conv_dim, conv_kernel and conv_stride must have one entry per layer, got "
                    + convDim.size() + ", " + convKernel.size() + " and " + convStride.size());
        }
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("num_conv_pos_embeddings", numConvPosEmbeddings);
        positive("num_conv_pos_embedding_groups", numConvPosEmbeddingGroups);
        positive("conv_pos_kernel_size", convPosKernelSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize
                    + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (hiddenSize % numConvPosEmbeddingGroups != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize
                    + " is not a multiple of num_conv_pos_embedding_groups " + numConvPosEmbeddingGroups);
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("layer_norm_eps must be a positive number, got " + layerNormEps);
        }
    }

    /**
     * The seeded default's size: the standard 7-layer feature encoder (400-sample receptive
     * field, one frame per 320 samples) at 32 channels, 64 wide, 2 layers, 4 heads, 256
     * feed-forward, and 2 positional convolutions of kernel 5 in 4 groups.
     */
    public static AudioEncoderConfig tiny() {
        return new AudioEncoderConfig(Collections.nCopies(7, 32), STANDARD_KERNELS, STANDARD_STRIDES, true,
                64, 2, 4, 256, 2, 4, 5, 1e-5);
    }

    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    public int numConvLayers() {
        return convDim.size();
    }

    /**
     * Frames of {@code last_hidden_state} for {@code samples} input samples: each convolution
     * maps a length L to {@code floor((L - kernel) / stride) + 1} (no padding), 0 once the input
     * is shorter than the kernel. The same formula as Hugging Face's
     * {@code _get_feat_extract_output_lengths}, except that it never goes below 0.
     */
    public int frames(int samples) {
        long length = samples;
        for (int i = 0; i < convKernel.size(); i++) {
            if (length < convKernel.get(i)) {
                return 0;
            }
            length = (length - convKernel.get(i)) / convStride.get(i) + 1;
        }
        return (int) length;
    }

    /** Input samples per output frame: the product of the convolution strides (320, 20 ms at 16 kHz, for the standard stack). */
    public int samplesPerFrame() {
        int product = 1;
        for (int stride : convStride) {
            product = Math.multiplyExact(product, stride);
        }
        return product;
    }

    /** The fewest samples that give one frame: the receptive field of the feature encoder. */
    public int receptiveField() {
        long field = 1;
        long jump = 1;
        for (int i = 0; i < convKernel.size(); i++) {
            field += (convKernel.get(i) - 1) * jump;
            jump *= convStride.get(i);
        }
        return Math.toIntExact(field);
    }

    /** The config as Hugging Face writes it for {@code Data2VecAudioModel}, keys in a stable order. */
    @Override
    public Map<String, Object> toHuggingFace() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("Data2VecAudioModel"));
        m.put("model_type", MODEL_TYPE);
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", numHiddenLayers);
        m.put("num_attention_heads", numAttentionHeads);
        m.put("intermediate_size", intermediateSize);
        m.put("hidden_act", "gelu");
        m.put("hidden_dropout", 0.1);
        m.put("activation_dropout", 0.1);
        m.put("attention_dropout", 0.1);
        m.put("feat_proj_dropout", 0.0);
        m.put("layerdrop", 0.1);
        m.put("initializer_range", 0.02);
        m.put("layer_norm_eps", layerNormEps);
        m.put("feat_extract_activation", "gelu");
        m.put("num_feat_extract_layers", convDim.size());
        m.put("conv_dim", convDim);
        m.put("conv_stride", convStride);
        m.put("conv_kernel", convKernel);
        m.put("conv_bias", convBias);
        m.put("num_conv_pos_embeddings", numConvPosEmbeddings);
        m.put("num_conv_pos_embedding_groups", numConvPosEmbeddingGroups);
        m.put("conv_pos_kernel_size", convPosKernelSize);
        // 0: the model has no masked_spec_embed, the training-time mask vector that only
        // SpecAugment reads; the parameters listed are exactly those the encoder uses.
        m.put("mask_time_prob", 0.0);
        m.put("add_adapter", false);
        return m;
    }

    /**
     * Reads a Hugging Face config. The four sizes of the transformer are required; every other
     * key, when absent, takes {@code Data2VecAudioConfig}'s default (7 convolutions of 512
     * channels without bias, 5 positional convolutions of kernel 19 in 16 groups, eps 1e-5).
     * Refuses what the ONNX writer does not build: another {@code model_type}, activations
     * other than exact GELU, an adapter.
     *
     * @throws IllegalArgumentException naming the key, the value and what was expected
     */
    public static AudioEncoderConfig fromHuggingFace(Map<String, ?> config) {
        HfConfig c = new HfConfig(config);
        c.requireModelType(List.of(MODEL_TYPE));
        c.requireIfPresent("hidden_act", "gelu", " (exact, erf-based)");
        c.requireIfPresent("feat_extract_activation", "gelu", " (exact, erf-based)");
        if (c.bool("add_adapter", false)) {
            throw new IllegalArgumentException("config add_adapter is true, expected false (the adapter is not supported)");
        }
        return new AudioEncoderConfig(
                c.integers("conv_dim", Collections.nCopies(7, 512)),
                c.integers("conv_kernel", STANDARD_KERNELS),
                c.integers("conv_stride", STANDARD_STRIDES),
                c.bool("conv_bias", false),
                c.integer("hidden_size"),
                c.integer("num_hidden_layers"),
                c.integer("num_attention_heads"),
                c.integer("intermediate_size"),
                c.integer("num_conv_pos_embeddings", 5),
                c.integer("num_conv_pos_embedding_groups", 16),
                c.integer("conv_pos_kernel_size", 19),
                c.number("layer_norm_eps", 1e-5));
    }

    private static List<Integer> positives(String key, List<Integer> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(key + " must list at least one layer, got " + values);
        }
        for (Integer v : values) {
            if (v == null || v < 1) {
                throw new IllegalArgumentException(key + " must hold integers >= 1, got " + values);
            }
        }
        return List.copyOf(values);
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be >= 1, got " + value);
        }
    }
}
