package io.d2vstreams.trainer.internal;

import io.d2vstreams.runtime.TextEncoderConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of Hugging Face's {@code Data2VecTextModel} (no pooler) by name and PyTorch
 * shape ({@code nn.Linear.weight} is {@code [out, in]}), in the order of model-runtime's ONNX
 * writer. These names are the contract with the serving graph: {@code ModelStore.addText}
 * refuses weights that miss one or have another shape, and the parity test runs both models.
 */
public final class TextParameters {

    public static final String WORD = "embeddings.word_embeddings.weight";
    public static final String POSITION = "embeddings.position_embeddings.weight";
    public static final String TOKEN_TYPE = "embeddings.token_type_embeddings.weight";
    public static final String EMB_LN = "embeddings.LayerNorm";
    /** Prefix of the embedding ("feature encoder") parameters. */
    public static final String EMBEDDINGS_PREFIX = "embeddings.";

    private TextParameters() {}

    public static String layer(int i) {
        return "encoder.layer." + i + ".";
    }

    /** Name → shape of every parameter, in graph order. */
    public static Map<String, long[]> shapes(TextEncoderConfig c) {
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(WORD, new long[] {c.vocabSize(), h});
        s.put(POSITION, new long[] {c.maxPositionEmbeddings(), h});
        s.put(TOKEN_TYPE, new long[] {c.typeVocabSize(), h});
        layerNorm(s, EMB_LN, h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = layer(i);
            linear(s, p + "attention.self.query", h, h);
            linear(s, p + "attention.self.key", h, h);
            linear(s, p + "attention.self.value", h, h);
            linear(s, p + "attention.output.dense", h, h);
            layerNorm(s, p + "attention.output.LayerNorm", h);
            linear(s, p + "intermediate.dense", ff, h);
            linear(s, p + "output.dense", h, ff);
            layerNorm(s, p + "output.LayerNorm", h);
        }
        return s;
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
