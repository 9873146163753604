package io.d2vstreams.runtime.internal.onnx;

import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.attr;

import java.util.List;

/**
 * The building blocks the data2vec graphs share, written once: {@code nn.Linear},
 * {@code nn.LayerNorm}, exact GELU and multi-head self-attention, each as a few ONNX nodes
 * named after the Hugging Face module they implement.
 *
 * <p>The ops read a handful of constants that {@link #declareConstants} adds to the graph; a
 * graph calls it once, before the first op. Node names and order are part of the serialised
 * bytes, and seeded models must hash the same from release to release, so changing a name here
 * changes every seeded model's checksum.
 */
public final class TransformerOps {

    static final String SPLIT_HEADS = "const.split_heads";
    static final String MERGE_HEADS = "const.merge_heads";
    /** 1.0f, for graphs that need it beyond GELU. */
    public static final String ONE = "const.one";
    static final String HALF = "const.half";
    static final String SQRT2 = "const.sqrt2";
    static final String ATTENTION_SCALE = "const.attention_scale";

    private final OnnxGraphBuilder g;

    public TransformerOps(OnnxGraphBuilder graph) {
        this.g = graph;
    }

    /** Adds the constants the ops read: head split and merge shapes, 1, ½, √2 and √head_size. */
    public void declareConstants(int heads, int headSize) {
        g.int64Vector(SPLIT_HEADS, 0, 0, heads, headSize);
        g.int64Vector(MERGE_HEADS, 0, 0, (long) heads * headSize);
        g.floatScalar(ONE, 1f);
        g.floatScalar(HALF, 0.5f);
        g.floatScalar(SQRT2, (float) Math.sqrt(2.0));
        g.floatScalar(ATTENTION_SCALE, (float) Math.sqrt(headSize));
    }

    /**
     * {@code nn.Linear}: x · Wᵀ + b with W kept in PyTorch's [out, in] layout under its
     * Hugging Face name; ONNX Runtime folds the constant Transpose away when it optimises.
     */
    public String linear(String module, String x) {
        g.node(module + ".matmul", "MatMul", List.of(x, transposedWeight(module)));
        return g.node(module, "Add", List.of(module + ".matmul", module + ".bias"));
    }

    /** {@code nn.Linear(bias=False)}: x · Wᵀ (BEiT's attention key, for one). */
    public String linearNoBias(String module, String x) {
        return g.node(module, "MatMul", List.of(x, transposedWeight(module)));
    }

    /** {@code nn.LayerNorm} over the last axis with {@code module.weight} and {@code module.bias}. */
    public String layerNorm(String name, String x, String module, double eps) {
        return g.node(name, "LayerNormalization", List.of(x, module + ".weight", module + ".bias"),
                attr("axis", -1L), attr("epsilon", (float) eps));
    }

    /** Exact GELU, {@code hidden_act="gelu"}: 0.5·x·(1 + erf(x/√2)); ONNX gained a Gelu op only in opset 20. */
    public String gelu(String name, String x) {
        g.node(name + ".scaled", "Div", List.of(x, SQRT2));
        g.node(name + ".erf", "Erf", List.of(name + ".scaled"));
        g.node(name + ".erf_plus_one", "Add", List.of(name + ".erf", ONE));
        g.node(name + ".x_half", "Mul", List.of(x, HALF));
        return g.node(name, "Mul", List.of(name + ".x_half", name + ".erf_plus_one"));
    }

    /**
     * Scaled dot-product attention over projected queries, keys and values, [batch, seq, hidden]
     * each: split into heads, softmax(q·kᵀ/√d + biases)·v, merge heads. {@code biases} are added
     * to the [batch, heads, seq, seq] scores in order (an additive padding mask, a relative
     * position bias) and must broadcast to that shape.
     *
     * @param prefix prefix of every node name, e.g. {@code encoder.layer.0.attention.self.}
     * @return the merged context, [batch, seq, hidden]
     */
    public String selfAttention(String prefix, String q, String k, String v, List<String> biases) {
        // [b, s, h] → [b, heads, s, head_size]; keys go straight to [b, heads, head_size, s].
        String qh = g.node(prefix + "q_heads", "Transpose",
                List.of(g.node(prefix + "q_split", "Reshape", List.of(q, SPLIT_HEADS))),
                attr("perm", new long[] {0, 2, 1, 3}));
        String kt = g.node(prefix + "k_heads_t", "Transpose",
                List.of(g.node(prefix + "k_split", "Reshape", List.of(k, SPLIT_HEADS))),
                attr("perm", new long[] {0, 2, 3, 1}));
        String vh = g.node(prefix + "v_heads", "Transpose",
                List.of(g.node(prefix + "v_split", "Reshape", List.of(v, SPLIT_HEADS))),
                attr("perm", new long[] {0, 2, 1, 3}));
        g.node(prefix + "scores_raw", "MatMul", List.of(qh, kt));
        String scores = g.node(prefix + "scores_scaled", "Div", List.of(prefix + "scores_raw", ATTENTION_SCALE));
        for (int i = 0; i < biases.size(); i++) {
            String name = i == biases.size() - 1 ? prefix + "scores" : prefix + "scores_" + i;
            scores = g.node(name, "Add", List.of(scores, biases.get(i)));
        }
        g.node(prefix + "probs", "Softmax", List.of(scores), attr("axis", -1L));
        g.node(prefix + "context_heads", "MatMul", List.of(prefix + "probs", vh));
        g.node(prefix + "context_t", "Transpose", List.of(prefix + "context_heads"), attr("perm", new long[] {0, 2, 1, 3}));
        return g.node(prefix + "context", "Reshape", List.of(prefix + "context_t", MERGE_HEADS));
    }

    private String transposedWeight(String module) {
        return g.node(module + ".weight_t", "Transpose", List.of(module + ".weight"), attr("perm", new long[] {1, 0}));
    }
}
