package io.d2vstreams.runtime.image.internal;

import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.FLOAT;
import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.attr;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder;
import io.d2vstreams.runtime.internal.onnx.TransformerOps;
import io.d2vstreams.runtime.spi.ModalitySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes Hugging Face's {@code Data2VecVisionModel} (BEiT layout, pre-LayerNorm; Baevski et al.
 * 2022, "data2vec", §3 uses ViT-B/L with BEiT's relative positions for images) as an ONNX graph:
 * {@code pixel_values} (float [batch, channels, image_size, image_size]) →
 * {@code last_hidden_state} (float [batch, 1 + patches, hidden]), the CLS token first, then the
 * patches in row-major order. Initializers carry Hugging Face's parameter names and shapes, so
 * the weights of a transformers checkpoint drop in unchanged.
 *
 * <p>The forward pass follows {@code modeling_data2vec_vision.py} at the configured image size
 * (no position interpolation): a Conv2d with kernel = stride = patch size embeds the patches,
 * the CLS token is prepended and the absolute position embeddings, when configured, added.
 * Each layer is {@code x + λ₁·attention(layernorm_before(x))}, then
 * {@code x + λ₂·mlp(layernorm_after(x))}, where the attention's key projection has no bias and
 * the scores get the relative position bias (the layer's own table and/or the shared one) looked
 * up through BEiT's relative position index, which is computed here and stored as a constant.
 * With {@code use_mean_pooling} the model ends without a LayerNorm (Hugging Face moves it into
 * the pooler, which is not part of {@code last_hidden_state}); without it, with {@code layernorm}.
 */
public final class Data2VecImageGraph {

    public static final String PIXEL_VALUES = ImageSpec.PIXEL_VALUES;
    public static final String LAST_HIDDEN_STATE = ModalitySpec.LAST_HIDDEN_STATE;

    private static final String BATCH = "batch";

    private final OnnxGraphBuilder g = new OnnxGraphBuilder("data2vec_vision");
    private final TransformerOps ops = new TransformerOps(g);
    private final ImageEncoderConfig c;
    private final TensorBundle w;

    private Data2VecImageGraph(ImageEncoderConfig config, TensorBundle weights) {
        this.c = config;
        this.w = weights;
    }

    /**
     * The serialised ONNX model for these weights.
     *
     * @throws IllegalArgumentException when a weight is missing or misshapen for the config
     */
    public static byte[] write(ImageEncoderConfig config, TensorBundle weights) {
        ImageParameters.requireMatches(config, weights);
        Data2VecImageGraph graph = new Data2VecImageGraph(config, weights);
        graph.build();
        return graph.g.toEncoderBytes(ImageEncoderConfig.MODEL_TYPE, config.hiddenSize(), Map.of("image_size", Integer.toString(config.imageSize())));
    }

    private void build() {
        g.initializers(ImageParameters.specs(c), w);
        int side = c.imageSize();
        String pixels = g.input(PIXEL_VALUES, FLOAT, BATCH, c.numChannels(), side, side);
        constants();

        String hidden = embeddings(pixels);
        String sharedBias = c.useSharedRelativePositionBias()
                ? relativePositionBias("encoder.relative_position_bias.", ImageParameters.SHARED_BIAS_TABLE)
                : null;
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            hidden = layer(i, hidden, sharedBias);
        }
        if (!c.useMeanPooling()) {
            hidden = ops.layerNorm("layernorm.out", hidden, ImageParameters.FINAL_LN, c.layerNormEps());
        }
        g.node(LAST_HIDDEN_STATE, "Identity", List.of(hidden));
        g.output(LAST_HIDDEN_STATE, FLOAT, BATCH, c.sequenceLength(), c.hiddenSize());
    }

    private void constants() {
        ops.declareConstants(c.numAttentionHeads(), c.headSize());
        g.int64Vector("const.patch_grid_flat", 0, c.hiddenSize(), -1);
        g.int64Vector("const.cls_rest", 1, c.hiddenSize());
        int tokens = c.sequenceLength();
        if (c.useRelativePositionBias() || c.useSharedRelativePositionBias()) {
            g.int64s("const.relative_position_index", new long[] {(long) tokens * tokens},
                    ImageParameters.relativePositionIndex(c.patchesPerSide()));
            g.int64Vector("const.bias_grid", tokens, tokens, c.numAttentionHeads());
        }
    }

    /**
     * Patch embedding (Conv2d, kernel = stride = patch), flattened to [batch, patches, hidden];
     * the CLS token prepended; absolute positions added when configured.
     */
    private String embeddings(String pixels) {
        long p = c.patchSize();
        String conv = g.node("embeddings.patch_embeddings.conv", "Conv",
                List.of(pixels, ImageParameters.PATCH + ".weight", ImageParameters.PATCH + ".bias"),
                attr("kernel_shape", new long[] {p, p}), attr("strides", new long[] {p, p}));
        g.node("embeddings.patch_embeddings.flat", "Reshape", List.of(conv, "const.patch_grid_flat"));
        String patches = g.node("embeddings.patch_embeddings", "Transpose", List.of("embeddings.patch_embeddings.flat"),
                attr("perm", new long[] {0, 2, 1}));

        // cls_token [1, 1, hidden] expanded to [batch, 1, hidden]; the batch size comes from the input.
        g.node("embeddings.batch", "Shape", List.of(pixels), attr("end", 1L));
        g.node("embeddings.cls_shape", "Concat", List.of("embeddings.batch", "const.cls_rest"), attr("axis", 0L));
        g.node("embeddings.cls_tokens", "Expand", List.of(ImageParameters.CLS_TOKEN, "embeddings.cls_shape"));
        String tokens = g.node("embeddings.tokens", "Concat", List.of("embeddings.cls_tokens", patches), attr("axis", 1L));
        if (c.useAbsolutePositionEmbeddings()) {
            tokens = g.node("embeddings.positioned", "Add", List.of(tokens, ImageParameters.POSITION));
        }
        return tokens;
    }

    /** A bias table [rows, heads] looked up through the index → [heads, tokens, tokens], broadcast over the batch. */
    private String relativePositionBias(String prefix, String table) {
        g.node(prefix + "gathered", "Gather", List.of(table, "const.relative_position_index"));
        g.node(prefix + "grid", "Reshape", List.of(prefix + "gathered", "const.bias_grid"));
        return g.node(prefix + "bias", "Transpose", List.of(prefix + "grid"), attr("perm", new long[] {2, 0, 1}));
    }

    private String layer(int i, String x, String sharedBias) {
        String p = ImageParameters.layer(i);
        String normed = ops.layerNorm(p + "layernorm_before.out", x, p + "layernorm_before", c.layerNormEps());
        String a = p + "attention.attention.";
        String q = ops.linear(a + "query", normed);
        String k = ops.linearNoBias(a + "key", normed);
        String v = ops.linear(a + "value", normed);
        List<String> biases = new ArrayList<>(2);
        if (c.useRelativePositionBias()) {
            biases.add(relativePositionBias(a + "relative_position_bias.", ImageParameters.layerBiasTable(i)));
        }
        if (sharedBias != null) {
            biases.add(sharedBias);
        }
        String context = ops.selfAttention(a, q, k, v, biases);
        String attention = ops.linear(p + "attention.output.dense", context);
        if (c.hasLayerScale()) {
            attention = g.node(p + "attention.scaled", "Mul", List.of(attention, p + "lambda_1"));
        }
        String residual = g.node(p + "attention.residual", "Add", List.of(attention, x));

        String normedAfter = ops.layerNorm(p + "layernorm_after.out", residual, p + "layernorm_after", c.layerNormEps());
        String inter = ops.gelu(p + "intermediate.gelu", ops.linear(p + "intermediate.dense", normedAfter));
        String out = ops.linear(p + "output.dense", inter);
        if (c.hasLayerScale()) {
            out = g.node(p + "output.scaled", "Mul", List.of(out, p + "lambda_2"));
        }
        return g.node(p + "output.residual", "Add", List.of(out, residual));
    }
}
