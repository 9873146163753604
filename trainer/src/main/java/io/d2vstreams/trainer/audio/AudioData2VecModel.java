package io.d2vstreams.trainer.audio;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.norm.LayerNorm;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioParameters;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.NdTensors;
import io.d2vstreams.trainer.nn.ModelParameters;
import io.d2vstreams.trainer.nn.TrainableModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The data2vec audio encoder (Hugging Face {@code Data2VecAudioModel}, post-LN) on DJL's PyTorch
 * engine, for training. It computes exactly what model-runtime's serving graph
 * ({@code Data2VecAudioGraph}) computes, over parameters under the same Hugging Face names and
 * shapes, so {@link #toBundle()} exports without any renaming: the feature encoder (per layer an
 * unpadded strided Conv1d, LayerNorm over channels with PyTorch's eps 1e-5, exact GELU); the
 * feature projection (LayerNorm, Linear); padded frames set to zero; the positional convolution
 * stack (per layer a grouped Conv1d padded by kernel/2 and trimmed by one frame for an even
 * kernel, a LayerNorm without parameters, GELU) added to its input; {@code encoder.layer_norm};
 * then post-LN layers whose attention ignores padded frames through the additive mask
 * {@code (1 − mask)·finfo(float32).min}.
 *
 * <p><b>Padding.</b> A clip's valid frames are its own sample count through the convolution
 * formula ({@link AudioEncoderConfig#frames}), what Hugging Face's
 * {@code _get_feature_vector_attention_mask} and the serving graph derive from
 * {@code attention_mask}. Like the serving graph, and unlike Hugging Face, padded frames are set
 * to zero again before every positional convolution, not only the first, so a clip's valid frames
 * do not depend on what it was batched with (see {@code Data2VecAudioGraph}). A clip too short
 * for one frame (shorter than {@link AudioEncoderConfig#receptiveField()}) is refused.
 *
 * <p><b>Masking.</b> With a frame mask, the projected features of masked frames are replaced by
 * the learned {@code masked_spec_embed} before the positional convolutions, as Hugging Face's
 * {@code _mask_hidden_states} and fairseq's {@code apply_mask} do (data2vec §3.2: the student
 * encodes the masked clip). Hugging Face creates it only with {@code mask_time_prob > 0};
 * model-runtime's configs write {@code mask_time_prob: 0.0} and the serving graph never masks.
 * So it is a training-only parameter here: trained, checkpointed with the student, and left out
 * of {@link #toBundle()}, so an export has exactly the serving graph's initializers. A weight
 * bundle that carries one (a Hugging Face pre-training checkpoint) provides its starting value;
 * otherwise it starts as U(0, 1), as both Hugging Face and fairseq initialise it.
 *
 * <p>{@link #forward} also returns every layer's output and every feed-forward output (before
 * dropout and residual: fairseq's {@code layer_results[i][2]}, data2vec audio's target source,
 * §3.3), and the frame mask, which instance-normalised targets need.
 *
 * <p>Dropout, when asked for, sits where Hugging Face's {@code Data2VecAudio} modules have it
 * with our configs' values: after {@code encoder.layer_norm}, on the attention probabilities, and
 * on both sub-layer outputs before their residuals. The feature projection's dropout
 * ({@code feat_proj_dropout}) and the feed-forward's inner dropout ({@code activation_dropout})
 * are 0 in data2vec audio's pre-training (fairseq {@code dropout_input: 0},
 * {@code activation_dropout: 0}) and have no hook; LayerDrop is not implemented.
 *
 * <p>The Transformer is post-LN only: Hugging Face's data2vec audio has no pre-LN
 * ({@code do_stable_layer_norm}) variant, and neither {@link AudioEncoderConfig} nor the serving
 * graph offers one.
 *
 * <p>Native memory: the parameters belong to this model's manager ({@link #close()} frees them);
 * a forward pass creates its arrays in the manager it is given, which the caller closes.
 */
public final class AudioData2VecModel extends TrainableModel {

    /**
     * What one forward pass yields; the hidden states are {@code [clips, frames, hidden]}.
     *
     * @param blockOutputs each layer's output (after its final LayerNorm), first layer first
     * @param ffnOutputs each layer's feed-forward output {@code output_dense} before dropout,
     *     residual and LayerNorm
     * @param lastHiddenState the final output, {@code last_hidden_state} of the serving graph
     * @param encoderInput the projected features as the Transformer encoder receives them: masked
     *     frames replaced by the mask embedding, padded frames zero (before the positional
     *     convolutions)
     * @param validMask {@code [clips, frames]} float, 1 on each clip's valid frames, 0 on padding
     * @param validFrames each clip's valid frames, the row sums of {@code validMask}
     */
    public record Output(List<NDArray> blockOutputs, List<NDArray> ffnOutputs, NDArray lastHiddenState,
            NDArray encoderInput, NDArray validMask, int[] validFrames) {}

    /** {@code nn.LayerNorm}'s default eps: the feature encoder's and the positional stack's LayerNorms. */
    private static final float TORCH_LAYER_NORM_EPS = 1e-5f;

    private final AudioEncoderConfig config;
    private final float attentionScale;

    private AudioData2VecModel(AudioEncoderConfig config, ModelParameters params) {
        super(params);
        this.config = config;
        this.attentionScale = (float) Math.sqrt(config.headSize());
    }

    /**
     * An evaluation model over copies of {@code weights} (no mask embedding: {@link #forward}
     * takes no frame mask), owned by a new sub-manager of {@code parent}. Tensors the
     * architecture does not use are ignored.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen parameter
     */
    public static AudioData2VecModel fromWeights(NDManager parent, AudioEncoderConfig config, TensorBundle weights) {
        Objects.requireNonNull(config, "config");
        return new AudioData2VecModel(config,
                ModelParameters.copyOf(parent, AudioParameters.shapes(config), weights, null));
    }

    /**
     * A trainable model over copies of {@code weights} with a mask embedding: the bundle's
     * {@code masked_spec_embed} when it has one, else drawn from U(0, 1) with {@code maskEmbedInit}.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen parameter
     */
    public static AudioData2VecModel forTraining(NDManager parent, AudioEncoderConfig config, TensorBundle weights,
            SplittableRandom maskEmbedInit) {
        Objects.requireNonNull(maskEmbedInit, "maskEmbedInit");
        Objects.requireNonNull(config, "config");
        ModelParameters.TrainingOnly maskEmbed = new ModelParameters.TrainingOnly(AudioParameters.MASK_EMBED,
                new long[] {config.hiddenSize()}, () -> {
                    float[] values = new float[config.hiddenSize()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) maskEmbedInit.nextDouble();
                    }
                    return values;
                });
        return new AudioData2VecModel(config,
                ModelParameters.copyOf(parent, AudioParameters.shapes(config), weights, maskEmbed));
    }

    /**
     * A copy to serve as the EMA teacher: parameters matched by {@code share} are this model's
     * very arrays (see {@link AudioParameters#isFeatureEncoder}), the others are copies in a
     * new sub-manager of {@code parent}. The mask embedding is left out: the teacher always
     * hears the whole clip.
     */
    public AudioData2VecModel copy(NDManager parent, Predicate<String> share) {
        return new AudioData2VecModel(config, params().teacherCopy(parent, share));
    }

    public AudioEncoderConfig config() {
        return config;
    }

    /** Whether {@link #forward} accepts a frame mask. */
    public boolean hasMaskEmbedding() {
        return params().has(AudioParameters.MASK_EMBED);
    }

    /** Evaluation-mode forward pass of whole clips; arrays are created in {@code scope}. */
    public Output forward(NDManager scope, AudioBatch batch) {
        return forward(scope, batch, null, Dropout.none());
    }

    /**
     * Forward pass; arrays are created in {@code scope}.
     *
     * @param frameMask {@code [clips, frames]} row-major ({@code frames} = {@link AudioBatch#frames}),
     *     1 where a frame's features are replaced by the mask embedding, 0 where they are kept and
     *     on padding; null for whole clips
     * @throws IllegalArgumentException when a clip is too short for one frame, or the mask does not
     *     fit the batch or is given to a model without mask embedding
     */
    public Output forward(NDManager scope, AudioBatch batch, float[] frameMask, Dropout dropout) {
        Objects.requireNonNull(batch, "batch");
        int b = batch.clips();
        int frames = batch.frames(config);
        int[] valid = batch.validFrames(config);
        for (int r = 0; r < b; r++) {
            if (valid[r] < 1) {
                throw new IllegalArgumentException("clip " + r + " has " + batch.length(r) + " samples, fewer than the "
                        + config.receptiveField() + " the feature encoder needs for one frame");
            }
        }
        float[] validValues = validMask(valid, frames);
        if (frameMask != null) {
            requireMask(frameMask, validValues);
        }
        // Every operation below starts from an array of `scope` (never from a parameter), so its
        // result lands in `scope` too rather than in this model's manager.
        NDArray samples = scope.create(batch.values(), new Shape(b, 1, batch.samples()));
        NDArray validMask = scope.create(validValues, new Shape(b, frames));
        NDArray validColumn = validMask.reshape(b, frames, 1);

        NDArray x = projection(featureEncoder(samples));
        if (frameMask != null) {
            // hidden·(1 − m) + masked_spec_embed·m: Hugging Face's hidden_states[mask] = masked_spec_embed.
            x = params().replaceMasked(scope, x, frameMask, b, frames);
        }
        NDArray encoderInput = x.mul(validColumn);
        x = encoderInput.add(positionalConvolutions(encoderInput, validMask.reshape(b, 1, frames)));
        x = dropout.hidden(layerNorm(x, AudioParameters.ENCODER_LN, config.layerNormEps()));

        NDArray additive = scope.create(additiveMask(validValues), new Shape(b, 1, 1, frames));
        List<NDArray> blocks = new ArrayList<>(config.numHiddenLayers());
        List<NDArray> ffns = new ArrayList<>(config.numHiddenLayers());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String l = AudioParameters.layer(i);
            NDArray attention = linear(selfAttention(l, x, additive, b, frames, dropout), l + "attention.out_proj");
            NDArray normed = layerNorm(dropout.hidden(attention).add(x), l + "layer_norm", config.layerNormEps());
            String f = l + "feed_forward.";
            NDArray ffn = linear(gelu(linear(normed, f + "intermediate_dense")), f + "output_dense");
            x = layerNorm(dropout.hidden(ffn).add(normed), l + "final_layer_norm", config.layerNormEps());
            ffns.add(ffn);
            blocks.add(x);
        }
        return new Output(List.copyOf(blocks), List.copyOf(ffns), x, encoderInput, validMask, valid);
    }

    /** {@code [clips, 1, samples]} → {@code [clips, frames, conv_dim[-1]]}: per layer Conv1d, LayerNorm over channels, GELU. */
    private NDArray featureEncoder(NDArray samples) {
        NDArray x = samples;
        int last = config.numConvLayers() - 1;
        for (int i = 0; i <= last; i++) {
            String p = AudioParameters.convLayer(i);
            NDArray bias = config.convBias() ? param(p + "conv.bias") : null;
            NDArray conv = Conv1d.conv1d(x, param(p + "conv.weight"), bias, new Shape(config.convStride().get(i)),
                    new Shape(0), new Shape(1), 1).singletonOrThrow();
            NDArray activated = gelu(layerNorm(conv.transpose(0, 2, 1), p + "layer_norm", TORCH_LAYER_NORM_EPS));
            x = i == last ? activated : activated.transpose(0, 2, 1);
        }
        return x;
    }

    /** {@code feature_projection}: LayerNorm (the config's eps), then Linear to the hidden width. */
    private NDArray projection(NDArray features) {
        return linear(layerNorm(features, AudioParameters.FEATURE_PROJECTION + "layer_norm", config.layerNormEps()),
                AudioParameters.FEATURE_PROJECTION + "projection");
    }

    /**
     * The positional convolution stack over {@code [clips, frames, hidden]} (padded frames zero),
     * same shape out; padded frames are zeroed again before every layer after the first.
     */
    private NDArray positionalConvolutions(NDArray hidden, NDArray validChannelsFirst) {
        int k = config.convPosKernelSize();
        int h = config.hiddenSize();
        int frames = Math.toIntExact(hidden.getShape().get(1));
        // The LayerNorm of Data2VecAudioPositionalConvLayer has no parameters (elementwise_affine=False).
        NDArray ones = hidden.getManager().ones(new Shape(h));
        NDArray zeros = hidden.getManager().zeros(new Shape(h));
        NDArray x = hidden.transpose(0, 2, 1);
        int last = config.numConvPosEmbeddings() - 1;
        for (int j = 0; j <= last; j++) {
            String p = AudioParameters.posConvLayer(j);
            if (j > 0) {
                x = x.mul(validChannelsFirst);
            }
            NDArray conv = Conv1d.conv1d(x, param(p + "conv.weight"), param(p + "conv.bias"), new Shape(1),
                    new Shape(k / 2), new Shape(1), config.numConvPosEmbeddingGroups()).singletonOrThrow();
            if (k % 2 == 0) {
                // Data2VecAudioPadLayer: an even kernel with padding k/2 yields one frame too many.
                conv = conv.get(new NDIndex(":, :, 0:{}", frames));
            }
            NDArray normed = LayerNorm.layerNorm(conv.transpose(0, 2, 1), new Shape(h), ones, zeros, TORCH_LAYER_NORM_EPS)
                    .singletonOrThrow();
            NDArray activated = gelu(normed);
            x = j == last ? activated : activated.transpose(0, 2, 1);
        }
        return x;
    }

    /** Scaled dot-product attention over all heads with the additive padding mask; {@code [b, t, hidden]} in and out. */
    private NDArray selfAttention(String l, NDArray x, NDArray additiveMask, int b, int t, Dropout dropout) {
        int heads = config.numAttentionHeads();
        int size = config.headSize();
        String a = l + "attention.";
        NDArray q = linear(x, a + "q_proj").reshape(b, t, heads, size).transpose(0, 2, 1, 3);
        NDArray kT = linear(x, a + "k_proj").reshape(b, t, heads, size).transpose(0, 2, 3, 1);
        NDArray v = linear(x, a + "v_proj").reshape(b, t, heads, size).transpose(0, 2, 1, 3);
        NDArray probs = q.matMul(kT).div(NdTensors.scalar(q, attentionScale)).add(additiveMask).softmax(-1);
        return dropout.attention(probs).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.hiddenSize());
    }

    private NDArray linear(NDArray x, String module) {
        return params().linear(x, module);
    }

    private NDArray layerNorm(NDArray x, String module, double eps) {
        return params().layerNorm(x, module, eps);
    }

    /** Exact (erf) GELU, {@code hidden_act="gelu"} and {@code feat_extract_activation="gelu"}. */
    private static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    private NDArray param(String name) {
        return params().get(name);
    }

    private void requireMask(float[] frameMask, float[] validValues) {
        if (!hasMaskEmbedding()) {
            throw new IllegalArgumentException("this model has no mask embedding; make it with forTraining to mask frames");
        }
        if (frameMask.length != validValues.length) {
            throw new IllegalArgumentException("a frame mask for this batch needs " + validValues.length + " values, got "
                    + frameMask.length);
        }
        for (int i = 0; i < frameMask.length; i++) {
            if (frameMask[i] != 0 && validValues[i] == 0) {
                throw new IllegalArgumentException("the frame mask masks padding at index " + i);
            }
        }
    }

    /** {@code [clips, frames]} row-major: 1 on each clip's first {@code valid[r]} frames. */
    private static float[] validMask(int[] valid, int frames) {
        float[] mask = new float[valid.length * frames];
        for (int r = 0; r < valid.length; r++) {
            Arrays.fill(mask, r * frames, r * frames + valid[r], 1f);
        }
        return mask;
    }

    /** 0 where a frame may be attended to, float32's lowest value where it is padding. */
    private static float[] additiveMask(float[] validValues) {
        float[] mask = new float[validValues.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = validValues[i] == 0 ? -Float.MAX_VALUE : 0f;
        }
        return mask;
    }
}
