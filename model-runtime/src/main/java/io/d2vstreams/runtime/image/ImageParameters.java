package io.d2vstreams.runtime.image;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.spi.ParamSpec;
import io.d2vstreams.runtime.spi.ParamSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parameters of Hugging Face's {@code Data2VecVisionModel} (no pooler): their names, their
 * shapes in PyTorch layout, and a seeded initialisation. Which parameters exist depends on the
 * config's switches (position embeddings, relative position bias per layer or shared, layer
 * scale, final LayerNorm). The one place these names are spelled: the ONNX writer, the
 * checkpoint importer and the trainer's DJL model all read them from here, so an export needs no
 * renaming.
 */
public final class ImageParameters {

    /** Hugging Face's {@code initializer_range} for data2vec/BEiT. */
    static final double INIT_STD = 0.02;

    /** Prefix of the embedding parameters (data2vec §3.2's feature encoder for images). */
    public static final String EMBEDDINGS_PREFIX = "embeddings.";
    public static final String CLS_TOKEN = "embeddings.cls_token";
    public static final String POSITION = "embeddings.position_embeddings";
    public static final String PATCH = "embeddings.patch_embeddings.projection";
    /**
     * Hugging Face's name for BEiT's learned mask token ({@code use_mask_token=True}): a
     * training-only parameter, not among {@link #specs}. The serving graph has no
     * {@code bool_masked_pos} input and our configs write {@code use_mask_token: false}, so it is
     * never exported; the trainer's student keeps it (shape {@code [1, 1, hidden]}).
     */
    public static final String MASK_TOKEN = "embeddings.mask_token";
    public static final String SHARED_BIAS_TABLE = "encoder.relative_position_bias.relative_position_bias_table";
    public static final String FINAL_LN = "layernorm";

    private ImageParameters() {}

    /** Prefix of Transformer layer {@code i}. */
    public static String layer(int i) {
        return "encoder.layer." + i + ".";
    }

    /** Per-layer relative position bias table of layer {@code i}. */
    public static String layerBiasTable(int i) {
        return layer(i) + "attention.attention.relative_position_bias.relative_position_bias_table";
    }

    /**
     * Rows of a relative position bias table: one per relative offset between two patches,
     * (2·side − 1)², plus CLS→patch, patch→CLS and CLS→CLS (BEiT, Bao et al. 2021, §2.6).
     */
    public static int biasTableRows(ImageEncoderConfig c) {
        int span = 2 * c.patchesPerSide() - 1;
        return span * span + 3;
    }

    /**
     * BEiT's relative position index ({@code generate_relative_position_index} in Hugging Face,
     * {@code gen_relative_position_index} in BEiT), row-major [tokens, tokens]: for two patches,
     * the row of the bias table for their offset (Δrow, Δcol); the last three rows of the table
     * are CLS→patch, patch→CLS and CLS→CLS. The serving graph stores it as a constant, the
     * trainer looks its tables up through it.
     */
    public static long[] relativePositionIndex(int side) {
        int span = 2 * side - 1;
        int rows = span * span + 3;
        int tokens = side * side + 1;
        long[] index = new long[tokens * tokens];
        for (int i = 0; i < side * side; i++) {
            for (int j = 0; j < side * side; j++) {
                int dRow = i / side - j / side + side - 1;
                int dCol = i % side - j % side + side - 1;
                index[(i + 1) * tokens + (j + 1)] = (long) dRow * span + dCol;
            }
        }
        for (int t = 1; t < tokens; t++) {
            index[t] = rows - 3; // CLS (query) → patch (key)
            index[t * tokens] = rows - 2; // patch → CLS
        }
        index[0] = rows - 1; // CLS → CLS
        return index;
    }

    /**
     * Whether a parameter belongs to the embeddings (patch projection, CLS and mask tokens,
     * absolute positions): what data2vec §3.2 lets the teacher share with the student.
     */
    public static boolean isFeatureEncoder(String name) {
        return name.startsWith(EMBEDDINGS_PREFIX);
    }

    /**
     * Every parameter of the model in a fixed order (the order seeding and the graph use).
     * Initialisation follows Hugging Face's {@code _init_weights} (normal with std
     * {@code initializer_range} for Linear and Conv2d, zero biases, LayerNorm 1 and 0, layer
     * scales at {@code layer_scale_init_value}), except that the CLS token, the position
     * embeddings and the relative position bias tables start as truncated N(0, 0.02²) as in
     * BEiT's and data2vec's own code instead of zeros: the seeded model then tells positions
     * apart from the start, and every parameter visibly affects the output.
     */
    public static List<ParamSpec> specs(ImageEncoderConfig c) {
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        long p = c.patchSize();
        ParamSpec.Init normal = new ParamSpec.Normal(INIT_STD);
        List<ParamSpec> specs = new ArrayList<>();
        specs.add(new ParamSpec(CLS_TOKEN, new long[] {1, 1, h}, normal));
        if (c.useAbsolutePositionEmbeddings()) {
            specs.add(new ParamSpec(POSITION, new long[] {1, c.sequenceLength(), h}, normal));
        }
        specs.add(new ParamSpec(PATCH + ".weight", new long[] {h, c.numChannels(), p, p}, normal));
        specs.add(new ParamSpec(PATCH + ".bias", new long[] {h}, ParamSpec.ZEROS));
        long[] table = {biasTableRows(c), c.numAttentionHeads()};
        if (c.useSharedRelativePositionBias()) {
            specs.add(new ParamSpec(SHARED_BIAS_TABLE, table, normal));
        }
        ParamSpec.Init layerScale = new ParamSpec.Constant((float) c.layerScaleInitValue());
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String l = layer(i);
            ParamSpecs.addLayerNorm(specs, l + "layernorm_before", h);
            ParamSpecs.addLinear(specs, l + "attention.attention.query", h, h, normal);
            specs.add(new ParamSpec(l + "attention.attention.key.weight", new long[] {h, h}, normal)); // bias=False
            ParamSpecs.addLinear(specs, l + "attention.attention.value", h, h, normal);
            if (c.useRelativePositionBias()) {
                specs.add(new ParamSpec(layerBiasTable(i), table, normal));
            }
            ParamSpecs.addLinear(specs, l + "attention.output.dense", h, h, normal);
            if (c.hasLayerScale()) {
                specs.add(new ParamSpec(l + "lambda_1", new long[] {h}, layerScale));
            }
            ParamSpecs.addLayerNorm(specs, l + "layernorm_after", h);
            ParamSpecs.addLinear(specs, l + "intermediate.dense", ff, h, normal);
            ParamSpecs.addLinear(specs, l + "output.dense", h, ff, normal);
            if (c.hasLayerScale()) {
                specs.add(new ParamSpec(l + "lambda_2", new long[] {h}, layerScale));
            }
        }
        if (!c.useMeanPooling()) {
            ParamSpecs.addLayerNorm(specs, FINAL_LN, h);
        }
        return specs;
    }

    /** Fresh weights (see {@link #specs}); the same seed gives bit-identical weights on every JVM. */
    public static TensorBundle seeded(ImageEncoderConfig c, long seed) {
        return ParamSpecs.seeded(specs(c), seed);
    }

    /**
     * The name and shape of every parameter the config calls for, in graph order: what a
     * checkpoint importer checks a file against before reading any data.
     */
    public static Map<String, long[]> shapes(ImageEncoderConfig c) {
        return ParamSpecs.shapes(specs(c));
    }

    /** @throws IllegalArgumentException naming the first missing or misshapen tensor */
    public static void requireMatches(ImageEncoderConfig c, TensorBundle weights) {
        ParamSpecs.requireMatches(specs(c), weights);
    }
}
