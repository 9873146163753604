package io.d2vstreams.runtime.text.internal;

import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.FLOAT;
import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.INT64;
import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.attr;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder;
import io.d2vstreams.runtime.internal.onnx.TransformerOps;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.runtime.text.TextEncoderConfig;
import io.d2vstreams.runtime.text.TextParameters;
import io.d2vstreams.runtime.text.TextSpec;
import java.util.List;
import java.util.Map;

/**
 * Writes Hugging Face's {@code Data2VecTextModel} (RoBERTa layout, post-LayerNorm; Baevski et
 * al. 2022, "data2vec", §3 uses the BERT/RoBERTa encoder for text) as an ONNX graph:
 * {@code input_ids}, {@code attention_mask} (int64 [batch, sequence]) → {@code last_hidden_state}
 * (float [batch, sequence, hidden]). Initializers carry Hugging Face's parameter names and
 * shapes, so the weights of a transformers checkpoint drop in unchanged.
 *
 * <p>The forward pass follows {@code modeling_data2vec_text.py}: word + position + token type 0
 * embeddings, LayerNorm; then per layer self-attention with the additive mask
 * {@code (1 - mask) * finfo(float32).min}, {@code attention.output} dense + residual + LayerNorm,
 * {@code intermediate} dense + exact GELU, {@code output} dense + residual + LayerNorm.
 */
public final class Data2VecTextGraph {

    public static final String INPUT_IDS = TextSpec.INPUT_IDS;
    public static final String ATTENTION_MASK = TextSpec.ATTENTION_MASK;
    public static final String LAST_HIDDEN_STATE = ModalitySpec.LAST_HIDDEN_STATE;

    private static final String BATCH = "batch";
    private static final String SEQUENCE = "sequence";

    private final OnnxGraphBuilder g = new OnnxGraphBuilder("data2vec_text");
    private final TransformerOps ops = new TransformerOps(g);
    private final TextEncoderConfig c;
    private final TensorBundle w;

    private Data2VecTextGraph(TextEncoderConfig config, TensorBundle weights) {
        this.c = config;
        this.w = weights;
    }

    /**
     * The serialised ONNX model for these weights.
     *
     * @throws IllegalArgumentException when a weight is missing or misshapen for the config
     */
    public static byte[] write(TextEncoderConfig config, TensorBundle weights) {
        TextParameters.requireMatches(config, weights);
        Data2VecTextGraph graph = new Data2VecTextGraph(config, weights);
        graph.build();
        return graph.g.toEncoderBytes(TextEncoderConfig.MODEL_TYPE, config.hiddenSize(), Map.of());
    }

    private void build() {
        g.initializers(TextParameters.specs(c), w);
        String ids = g.input(INPUT_IDS, INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, INT64, BATCH, SEQUENCE);
        constants();

        String hidden = embeddings(ids);
        String additiveMask = additiveMask(mask);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            hidden = layer(i, hidden, additiveMask);
        }
        g.node(LAST_HIDDEN_STATE, "Identity", List.of(hidden));
        g.output(LAST_HIDDEN_STATE, FLOAT, BATCH, SEQUENCE, c.hiddenSize());
    }

    private void constants() {
        g.int64Scalar("const.pad_id", c.padTokenId());
        g.int64Scalar("const.zero_i64", 0);
        g.int64Scalar("const.axis1", 1);
        g.int64Vector("const.mask_axes", 1, 2);
        ops.declareConstants(c.numAttentionHeads(), c.headSize());
        // transformers builds the extended mask as (1 - mask) * torch.finfo(dtype).min.
        g.floatScalar("const.mask_min", -Float.MAX_VALUE);
    }

    /**
     * Word + position + token-type-0 embeddings, then LayerNorm. Positions follow RoBERTa's
     * {@code create_position_ids_from_input_ids}: real tokens count up from
     * {@code padding_idx + 1} ({@code cumsum(ids != pad) * (ids != pad) + pad}), padding keeps
     * {@code padding_idx}, so a text's positions do not depend on how much padding follows it.
     */
    private String embeddings(String ids) {
        g.node("emb.is_pad", "Equal", List.of(ids, "const.pad_id"));
        g.node("emb.not_pad", "Not", List.of("emb.is_pad"));
        g.node("emb.not_pad_i64", "Cast", List.of("emb.not_pad"), attr("to", (long) INT64));
        g.node("emb.cumsum", "CumSum", List.of("emb.not_pad_i64", "const.axis1"));
        g.node("emb.cumsum_real", "Mul", List.of("emb.cumsum", "emb.not_pad_i64"));
        g.node("emb.position_ids", "Add", List.of("emb.cumsum_real", "const.pad_id"));

        g.node("emb.words", "Gather", List.of(TextParameters.WORD, ids));
        g.node("emb.positions", "Gather", List.of(TextParameters.POSITION, "emb.position_ids"));
        // token_type_ids default to zeros in Data2VecTextEmbeddings: one row, broadcast.
        g.node("emb.token_type", "Gather", List.of(TextParameters.TOKEN_TYPE, "const.zero_i64"));
        g.node("emb.words_types", "Add", List.of("emb.words", "emb.token_type"));
        g.node("emb.sum", "Add", List.of("emb.words_types", "emb.positions"));
        return layerNorm("emb.out", "emb.sum", TextParameters.EMB_LN);
    }

    /** [batch, seq] int64 mask → [batch, 1, 1, seq] float, 0 where attended, float min where not. */
    private String additiveMask(String mask) {
        g.node("mask.float", "Cast", List.of(mask), attr("to", (long) FLOAT));
        g.node("mask.inverted", "Sub", List.of(TransformerOps.ONE, "mask.float"));
        g.node("mask.additive", "Mul", List.of("mask.inverted", "const.mask_min"));
        return g.node("mask.extended", "Unsqueeze", List.of("mask.additive", "const.mask_axes"));
    }

    private String layer(int i, String x, String additiveMask) {
        String p = TextParameters.layer(i);
        String q = ops.linear(p + "attention.self.query", x);
        String k = ops.linear(p + "attention.self.key", x);
        String v = ops.linear(p + "attention.self.value", x);
        String context = ops.selfAttention(p + "attention.self.", q, k, v, List.of(additiveMask));

        String attnDense = ops.linear(p + "attention.output.dense", context);
        g.node(p + "attention.output.residual", "Add", List.of(attnDense, x));
        String attnOut = layerNorm(p + "attention.output.out", p + "attention.output.residual", p + "attention.output.LayerNorm");

        String inter = ops.gelu(p + "intermediate.gelu", ops.linear(p + "intermediate.dense", attnOut));
        String outDense = ops.linear(p + "output.dense", inter);
        g.node(p + "output.residual", "Add", List.of(outDense, attnOut));
        return layerNorm(p + "output.out", p + "output.residual", p + "output.LayerNorm");
    }

    private String layerNorm(String name, String x, String module) {
        return ops.layerNorm(name, x, module, c.layerNormEps());
    }
}
