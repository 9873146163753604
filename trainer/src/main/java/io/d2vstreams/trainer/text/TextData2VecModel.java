package io.d2vstreams.trainer.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextParameters;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.NdTensors;
import io.d2vstreams.trainer.nn.ModelParameters;
import io.d2vstreams.trainer.nn.TrainableModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The data2vec text encoder (Hugging Face {@code Data2VecTextModel}, RoBERTa layout, post-LN) on
 * DJL's PyTorch engine, for training. It computes exactly what model-runtime's serving graph
 * ({@code Data2VecTextGraph}) computes, over parameters under the same Hugging Face names and
 * shapes, so {@link #toBundle()} exports without any renaming: word + RoBERTa position +
 * token-type-0 embeddings and LayerNorm; per layer self-attention with the additive mask
 * {@code (1 − mask)·finfo(float32).min}, {@code attention.output} dense + residual + LayerNorm,
 * {@code intermediate} dense + exact GELU, {@code output} dense + residual + LayerNorm.
 *
 * <p>{@link #forward} also returns every layer's output and every feed-forward output (before
 * its residual), the candidates for data2vec's targets (§3.3).
 *
 * <p>Native memory: the parameters belong to this model's manager ({@link #close()} frees them);
 * a forward pass creates its arrays in the manager it is given, which the caller closes.
 */
public final class TextData2VecModel extends TrainableModel {

    /**
     * What one forward pass yields, all {@code [batch, sequence, hidden]}.
     *
     * @param blockOutputs each layer's output (after its final LayerNorm), first layer first
     * @param ffnOutputs each layer's feed-forward output {@code output.dense} before dropout,
     *     residual and LayerNorm (fairseq's {@code fc_results}, data2vec text's target source)
     * @param lastHiddenState the final output, {@code last_hidden_state} of the serving graph
     */
    public record Output(List<NDArray> blockOutputs, List<NDArray> ffnOutputs, NDArray lastHiddenState) {}

    private final TextEncoderConfig config;
    private final float attentionScale;

    private TextData2VecModel(TextEncoderConfig config, ModelParameters params) {
        super(params);
        this.config = config;
        this.attentionScale = (float) Math.sqrt(config.headSize());
    }

    /**
     * A model over copies of {@code weights}, owned by a new sub-manager of {@code parent} (whose
     * device it uses). Tensors the architecture does not use (a pooler, say) are ignored.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen parameter
     */
    public static TextData2VecModel fromWeights(NDManager parent, TextEncoderConfig config, TensorBundle weights) {
        return new TextData2VecModel(config, ModelParameters.copyOf(parent, TextParameters.shapes(config), weights, null));
    }

    /**
     * A copy to serve as the EMA teacher: parameters matched by {@code share} are this model's
     * very arrays (data2vec §3.2 shares the feature and positional encoders), the others are
     * copies without gradient in a new sub-manager of {@code parent}.
     */
    public TextData2VecModel copy(NDManager parent, Predicate<String> share) {
        return new TextData2VecModel(config, params().teacherCopy(parent, share));
    }

    public TextEncoderConfig config() {
        return config;
    }

    /** Evaluation-mode forward pass (no dropout); arrays are created in {@code scope}. */
    public Output forward(NDManager scope, TextBatch batch) {
        return forward(scope, batch, Dropout.none());
    }

    /** Forward pass with the given dropout; arrays are created in {@code scope}. */
    public Output forward(NDManager scope, TextBatch batch, Dropout dropout) {
        Objects.requireNonNull(batch, "batch");
        int b = batch.rows();
        int t = batch.cols();
        // Every operation below starts from an array of `scope`, so its result lands there too.
        NDArray ids = scope.create(batch.ids(), new Shape(b, t));
        NDArray positions = scope.create(batch.positionIds(), new Shape(b, t));
        NDArray tokenTypes = scope.zeros(new Shape(b, t), DataType.INT64);
        NDArray mask = scope.create(additiveMask(batch), new Shape(b, 1, 1, t));

        NDArray x = embed(ids, TextParameters.WORD)
                .add(embed(tokenTypes, TextParameters.TOKEN_TYPE))
                .add(embed(positions, TextParameters.POSITION));
        x = dropout.hidden(layerNorm(x, TextParameters.EMB_LN));

        List<NDArray> blocks = new ArrayList<>(config.numHiddenLayers());
        List<NDArray> ffns = new ArrayList<>(config.numHiddenLayers());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = TextParameters.layer(i);
            NDArray attention = layerNorm(
                    dropout.hidden(linear(selfAttention(p, x, mask, b, t, dropout), p + "attention.output.dense")).add(x),
                    p + "attention.output.LayerNorm");
            NDArray ffn = linear(linear(attention, p + "intermediate.dense").getNDArrayInternal().gelu(), p + "output.dense");
            x = layerNorm(dropout.hidden(ffn).add(attention), p + "output.LayerNorm");
            ffns.add(ffn);
            blocks.add(x);
        }
        return new Output(List.copyOf(blocks), List.copyOf(ffns), x);
    }

    /** Scaled dot-product attention over all heads; {@code [b, t, hidden]} in and out. */
    private NDArray selfAttention(String p, NDArray x, NDArray mask, int b, int t, Dropout dropout) {
        int heads = config.numAttentionHeads();
        int size = config.headSize();
        NDArray q = linear(x, p + "attention.self.query").reshape(b, t, heads, size).transpose(0, 2, 1, 3);
        NDArray kT = linear(x, p + "attention.self.key").reshape(b, t, heads, size).transpose(0, 2, 3, 1);
        NDArray v = linear(x, p + "attention.self.value").reshape(b, t, heads, size).transpose(0, 2, 1, 3);
        NDArray probs = q.matMul(kT).div(NdTensors.scalar(q, attentionScale)).add(mask).softmax(-1);
        return dropout.attention(probs).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.hiddenSize());
    }

    private NDArray embed(NDArray ids, String table) {
        return Embedding.embedding(ids, params().get(table), SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray linear(NDArray x, String module) {
        return params().linear(x, module);
    }

    private NDArray layerNorm(NDArray x, String module) {
        return params().layerNorm(x, module, config.layerNormEps());
    }

    /** 0 where a position may be attended to, float32's lowest value where it is padding. */
    private static float[] additiveMask(TextBatch batch) {
        float[] mask = new float[batch.rows() * batch.cols()];
        for (int r = 0; r < batch.rows(); r++) {
            Arrays.fill(mask, r * batch.cols() + batch.length(r), (r + 1) * batch.cols(), -Float.MAX_VALUE);
        }
        return mask;
    }
}
