package io.d2vstreams.trainer.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.NdTensors;
import io.d2vstreams.trainer.nn.ModelParameters;
import io.d2vstreams.trainer.nn.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The data2vec vision encoder (Hugging Face {@code Data2VecVisionModel}, BEiT layout, pre-LN) on
 * DJL's PyTorch engine, for training. It computes exactly what model-runtime's serving graph
 * ({@code Data2VecImageGraph}) computes, over parameters under the same Hugging Face names and
 * shapes, so {@link #toBundle()} exports without any renaming: a Conv2d with kernel = stride =
 * patch size, the CLS token prepended, absolute positions when configured; per layer
 * {@code x + λ₁·attention(layernorm_before(x))} with a bias-free key and BEiT's relative
 * position bias (per layer and/or shared), then {@code x + λ₂·mlp(layernorm_after(x))}; a final
 * {@code layernorm} unless the config pools by mean.
 *
 * <p><b>Masking.</b> With a patch mask, the embeddings of masked patches are replaced by a learned
 * mask token before the CLS token and the positions are added, as Hugging Face's
 * {@code Data2VecVisionEmbeddings} does with {@code bool_masked_pos} and BEiT §2.3 describes. The
 * student of data2vec vision needs it (Baevski et al. 2022, §3.2: the student encodes the masked
 * image). Hugging Face names it {@code embeddings.mask_token} and creates it only with
 * {@code use_mask_token=True}; model-runtime's configs always write {@code use_mask_token: false}
 * and the serving graph has no {@code bool_masked_pos} input, because a served image is never
 * masked. So the token is a training-only parameter here: it is trained, checkpointed with the
 * student, and left out of {@link #toBundle()}, so an export stays a valid
 * {@code use_mask_token=false} model with exactly the serving graph's initializers. A weight
 * bundle that carries one (a Hugging Face pre-training checkpoint) provides its starting value.
 *
 * <p>{@link #forward} also returns every layer's output and every feed-forward output (λ₂·mlp,
 * before its residual), the candidates for data2vec's targets (§3.3).
 *
 * <p>Dropout, when asked for, sits where Hugging Face's {@code Data2VecVision} modules have it:
 * after the embeddings, on the attention probabilities, and on both sub-layer outputs before their
 * residuals. Stochastic depth ({@code drop_path_rate}) is not implemented: data2vec vision's
 * settings here turn dropout off and the tiny default has two layers to drop.
 *
 * <p>Native memory: the parameters belong to this model's manager ({@link #close()} frees them);
 * a forward pass creates its arrays in the manager it is given, which the caller closes.
 */
public final class ImageData2VecModel extends TrainableModel {

    /**
     * What one forward pass yields, all {@code [batch, 1 + patches, hidden]}, the CLS token first.
     *
     * @param blockOutputs each layer's output (after its second residual), first layer first
     * @param ffnOutputs each layer's feed-forward output λ₂·{@code output.dense}, before dropout
     *     and residual
     * @param lastHiddenState the final output, {@code last_hidden_state} of the serving graph
     */
    public record Output(List<NDArray> blockOutputs, List<NDArray> ffnOutputs, NDArray lastHiddenState) {}

    /** BEiT initialises the mask token as trunc_normal(std=0.02), like the CLS token. */
    private static final double MASK_TOKEN_STD = 0.02;

    private final ImageEncoderConfig config;
    /** BEiT's relative position index, or null without relative position bias. */
    private final long[] relativePositionIndex;
    private final float attentionScale;

    private ImageData2VecModel(ImageEncoderConfig config, ModelParameters params) {
        super(params);
        this.config = config;
        this.attentionScale = (float) Math.sqrt(config.headSize());
        this.relativePositionIndex = hasRelativeBias(config)
                ? ImageParameters.relativePositionIndex(config.patchesPerSide())
                : null;
    }

    /**
     * An evaluation model over copies of {@code weights} (no mask token: {@link #forward} takes
     * no patch mask), owned by a new sub-manager of {@code parent}. Tensors the architecture does
     * not use (a pooler, say) are ignored.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen parameter
     */
    public static ImageData2VecModel fromWeights(NDManager parent, ImageEncoderConfig config, TensorBundle weights) {
        return new ImageData2VecModel(config,
                ModelParameters.copyOf(parent, ImageParameters.shapes(config), weights, null));
    }

    /**
     * A trainable model over copies of {@code weights} with a mask token: the bundle's
     * {@code embeddings.mask_token} when it has one, else drawn from N(0, 0.02²) with
     * {@code maskTokenInit}.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen parameter
     */
    public static ImageData2VecModel forTraining(NDManager parent, ImageEncoderConfig config, TensorBundle weights,
            SplittableRandom maskTokenInit) {
        Objects.requireNonNull(maskTokenInit, "maskTokenInit");
        ModelParameters.TrainingOnly maskToken = new ModelParameters.TrainingOnly(ImageParameters.MASK_TOKEN,
                new long[] {1, 1, config.hiddenSize()}, () -> {
                    float[] values = new float[config.hiddenSize()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (maskTokenInit.nextGaussian() * MASK_TOKEN_STD);
                    }
                    return values;
                });
        return new ImageData2VecModel(config,
                ModelParameters.copyOf(parent, ImageParameters.shapes(config), weights, maskToken));
    }

    /**
     * A copy to serve as the EMA teacher: parameters matched by {@code share} are this model's
     * very arrays (data2vec §3.2 shares the feature and positional encoders), the others are
     * copies in a new sub-manager of {@code parent}. The mask token is left out: the teacher
     * always sees the whole image.
     */
    public ImageData2VecModel copy(NDManager parent, Predicate<String> share) {
        return new ImageData2VecModel(config, params().teacherCopy(parent, share));
    }

    public ImageEncoderConfig config() {
        return config;
    }

    /** Whether {@link #forward} accepts a patch mask. */
    public boolean hasMaskToken() {
        return params().has(ImageParameters.MASK_TOKEN);
    }

    /** Evaluation-mode forward pass of whole images; arrays are created in {@code scope}. */
    public Output forward(NDManager scope, ImageBatch batch) {
        return forward(scope, batch, null, Dropout.none());
    }

    /**
     * Forward pass; arrays are created in {@code scope}.
     *
     * @param patchMask {@code [images, patches]} row-major, 1 where a patch is replaced by the mask
     *     token, 0 where it is kept; null for whole images
     * @throws IllegalArgumentException when the batch does not fit the config, or a mask is given
     *     to a model without mask token
     */
    public Output forward(NDManager scope, ImageBatch batch, float[] patchMask, Dropout dropout) {
        Objects.requireNonNull(batch, "batch");
        if (batch.channels() != config.numChannels() || batch.size() != config.imageSize()) {
            throw new IllegalArgumentException("the model takes " + config.numChannels() + "x" + config.imageSize() + "x"
                    + config.imageSize() + " images, got " + batch.channels() + "x" + batch.size() + "x" + batch.size());
        }
        int b = batch.images();
        int patches = config.numPatches();
        int h = config.hiddenSize();
        int p = config.patchSize();
        // Every operation below starts from an array of `scope` (never from a parameter), so its
        // result lands in `scope` too rather than in this model's manager.
        NDArray pixels = scope.create(batch.values(), new Shape(batch.shape()));
        // Conv2d with kernel = stride = patch: [b, h, side, side] → [b, patches, h], patches row-major.
        NDArray x = Conv2d.conv2d(pixels, param(ImageParameters.PATCH + ".weight"), param(ImageParameters.PATCH + ".bias"),
                new Shape(p, p), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow()
                .reshape(b, h, patches).transpose(0, 2, 1);
        if (patchMask != null) {
            if (!hasMaskToken()) {
                throw new IllegalArgumentException("this model has no mask token; make it with forTraining to mask patches");
            }
            if (patchMask.length != b * patches) {
                throw new IllegalArgumentException("a patch mask needs " + b * patches + " values, got " + patchMask.length);
            }
            // embeddings·(1 − w) + mask_token·w, Hugging Face's Data2VecVisionEmbeddings.
            x = params().replaceMasked(scope, x, patchMask, b, patches);
        }
        NDArray cls = scope.zeros(new Shape(b, 1, h)).add(param(ImageParameters.CLS_TOKEN));
        x = cls.concat(x, 1);
        if (config.useAbsolutePositionEmbeddings()) {
            x = x.add(param(ImageParameters.POSITION));
        }
        x = dropout.hidden(x);

        int t = config.sequenceLength();
        NDArray index = relativePositionIndex == null ? null
                : scope.create(relativePositionIndex, new Shape(relativePositionIndex.length));
        NDArray sharedBias = config.useSharedRelativePositionBias()
                ? relativeBias(index, ImageParameters.SHARED_BIAS_TABLE)
                : null;
        List<NDArray> blocks = new ArrayList<>(config.numHiddenLayers());
        List<NDArray> ffns = new ArrayList<>(config.numHiddenLayers());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String l = ImageParameters.layer(i);
            NDArray bias = config.useRelativePositionBias() ? relativeBias(index, ImageParameters.layerBiasTable(i)) : null;
            if (sharedBias != null) {
                bias = bias == null ? sharedBias : bias.add(sharedBias);
            }
            NDArray attention = linear(selfAttention(l, layerNorm(x, l + "layernorm_before"), bias, b, t, dropout),
                    l + "attention.output.dense");
            if (config.hasLayerScale()) {
                attention = attention.mul(param(l + "lambda_1"));
            }
            NDArray residual = dropout.hidden(attention).add(x);
            NDArray ffn = linear(linear(layerNorm(residual, l + "layernorm_after"), l + "intermediate.dense")
                    .getNDArrayInternal().gelu(), l + "output.dense");
            if (config.hasLayerScale()) {
                ffn = ffn.mul(param(l + "lambda_2"));
            }
            x = dropout.hidden(ffn).add(residual);
            ffns.add(ffn);
            blocks.add(x);
        }
        NDArray last = config.useMeanPooling() ? x : layerNorm(x, ImageParameters.FINAL_LN);
        return new Output(List.copyOf(blocks), List.copyOf(ffns), last);
    }

    /** Scaled dot-product attention over all heads with an optional additive bias {@code [heads, t, t]}. */
    private NDArray selfAttention(String l, NDArray x, NDArray bias, int b, int t, Dropout dropout) {
        int heads = config.numAttentionHeads();
        int size = config.headSize();
        String a = l + "attention.attention.";
        NDArray q = linear(x, a + "query").reshape(b, t, heads, size).transpose(0, 2, 1, 3);
        NDArray kT = Linear.linear(x, param(a + "key.weight")).singletonOrThrow()
                .reshape(b, t, heads, size).transpose(0, 2, 3, 1);
        NDArray v = linear(x, a + "value").reshape(b, t, heads, size).transpose(0, 2, 1, 3);
        NDArray scores = q.matMul(kT).div(NdTensors.scalar(q, attentionScale));
        if (bias != null) {
            scores = scores.add(bias);
        }
        return dropout.attention(scores.softmax(-1)).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.hiddenSize());
    }

    /** A bias table {@code [rows, heads]} looked up through BEiT's index → {@code [heads, t, t]}. */
    private NDArray relativeBias(NDArray index, String table) {
        int t = config.sequenceLength();
        return Embedding.embedding(index, param(table), SparseFormat.DENSE).singletonOrThrow()
                .reshape(t, t, config.numAttentionHeads()).transpose(2, 0, 1);
    }

    private NDArray linear(NDArray x, String module) {
        return params().linear(x, module);
    }

    private NDArray layerNorm(NDArray x, String module) {
        return params().layerNorm(x, module, config.layerNormEps());
    }

    private NDArray param(String name) {
        return params().get(name);
    }

    private static boolean hasRelativeBias(ImageEncoderConfig c) {
        return c.useRelativePositionBias() || c.useSharedRelativePositionBias();
    }
}
