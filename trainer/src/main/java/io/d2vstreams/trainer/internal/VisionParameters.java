package io.d2vstreams.trainer.internal;

import io.d2vstreams.runtime.VisionEncoderConfig;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of Hugging Face's {@code Data2VecVisionModel} (no pooler) by name and PyTorch
 * shape, in the order of model-runtime's ONNX writer ({@code Data2VecVisionGraph}), plus the
 * training-only mask token. These names are the contract with the serving graph:
 * {@code ModelStore.addImage} refuses weights that miss one or have another shape, and the parity
 * test runs both models. Which parameters exist depends on the config's switches, exactly as on
 * the serving side.
 */
public final class VisionParameters {

    public static final String CLS_TOKEN = "embeddings.cls_token";
    public static final String POSITION = "embeddings.position_embeddings";
    public static final String PATCH = "embeddings.patch_embeddings.projection";
    /**
     * Hugging Face's name for BEiT's learned mask token ({@code use_mask_token=True}). The serving
     * graph has no {@code bool_masked_pos} input, so it never uses one: see
     * {@code VisionData2VecModel} for why the trainer keeps it out of exports.
     */
    public static final String MASK_TOKEN = "embeddings.mask_token";
    public static final String SHARED_BIAS_TABLE = "encoder.relative_position_bias.relative_position_bias_table";
    public static final String FINAL_LN = "layernorm";
    /** Prefix of the embedding ("feature encoder") parameters. */
    public static final String EMBEDDINGS_PREFIX = "embeddings.";

    private VisionParameters() {}

    public static String layer(int i) {
        return "encoder.layer." + i + ".";
    }

    /** The relative position bias table of layer {@code i}. */
    public static String layerBiasTable(int i) {
        return layer(i) + "attention.attention.relative_position_bias.relative_position_bias_table";
    }

    /**
     * Rows of a relative position bias table: one per offset between two patches, (2·side − 1)²,
     * then CLS→patch, patch→CLS and CLS→CLS (BEiT, Bao et al. 2021, §2.6).
     */
    public static int biasTableRows(VisionEncoderConfig c) {
        int span = 2 * c.patchesPerSide() - 1;
        return span * span + 3;
    }

    /** Name → shape of every exported parameter, in graph order (no mask token). */
    public static Map<String, long[]> shapes(VisionEncoderConfig c) {
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        long p = c.patchSize();
        long[] table = {biasTableRows(c), c.numAttentionHeads()};
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(CLS_TOKEN, new long[] {1, 1, h});
        if (c.useAbsolutePositionEmbeddings()) {
            s.put(POSITION, new long[] {1, c.sequenceLength(), h});
        }
        s.put(PATCH + ".weight", new long[] {h, c.numChannels(), p, p});
        s.put(PATCH + ".bias", new long[] {h});
        if (c.useSharedRelativePositionBias()) {
            s.put(SHARED_BIAS_TABLE, table);
        }
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String l = layer(i);
            layerNorm(s, l + "layernorm_before", h);
            linear(s, l + "attention.attention.query", h, h);
            s.put(l + "attention.attention.key.weight", new long[] {h, h}); // BEiT's key has no bias
            linear(s, l + "attention.attention.value", h, h);
            if (c.useRelativePositionBias()) {
                s.put(layerBiasTable(i), table);
            }
            linear(s, l + "attention.output.dense", h, h);
            if (c.hasLayerScale()) {
                s.put(l + "lambda_1", new long[] {h});
            }
            layerNorm(s, l + "layernorm_after", h);
            linear(s, l + "intermediate.dense", ff, h);
            linear(s, l + "output.dense", h, ff);
            if (c.hasLayerScale()) {
                s.put(l + "lambda_2", new long[] {h});
            }
        }
        if (!c.useMeanPooling()) {
            layerNorm(s, FINAL_LN, h);
        }
        return s;
    }

    /**
     * The parameters among {@code names} that BEiT and data2vec vision exempt from weight decay
     * besides the rank-1 ones: the CLS and mask tokens, the absolute position embeddings and the
     * relative position bias tables (BEiT's {@code no_weight_decay()} and the
     * {@code relative_position_bias_table} rule of its optimizer factory). Decaying them would pull
     * learned positions and tokens towards zero over a long continual run.
     */
    public static Set<String> noWeightDecay(Collection<String> names) {
        Set<String> exempt = new LinkedHashSet<>();
        for (String name : names) {
            if (name.equals(CLS_TOKEN) || name.equals(MASK_TOKEN) || name.equals(POSITION)
                    || name.endsWith("relative_position_bias_table")) {
                exempt.add(name);
            }
        }
        return exempt;
    }

    /**
     * BEiT's relative position index ({@code gen_relative_position_index}), row-major
     * {@code [tokens, tokens]}: for two patches the table row of their offset (Δrow, Δcol); the
     * last three rows are CLS→patch, patch→CLS and CLS→CLS. The same index the serving graph
     * stores as a constant.
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

    private static void linear(Map<String, long[]> s, String module, long out, long in) {
        s.put(module + ".weight", new long[] {out, in});
        s.put(module + ".bias", new long[] {out});
    }

    private static void layerNorm(Map<String, long[]> s, String module, long width) {
        s.put(module + ".weight", new long[] {width});
        s.put(module + ".bias", new long[] {width});
    }
}
