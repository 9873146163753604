package io.d2vstreams.runtime.text;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.spi.ParamSpec;
import io.d2vstreams.runtime.spi.ParamSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parameters of Hugging Face's {@code Data2VecTextModel} (no pooler): their names, their
 * shapes in PyTorch layout ({@code nn.Linear.weight} is {@code [out, in]}), and a seeded
 * initialisation. The one place these names are spelled: the ONNX writer, the checkpoint
 * importer and the trainer's DJL model all read them from here, so an export needs no renaming.
 */
public final class TextParameters {

    /** Hugging Face's {@code initializer_range} for data2vec/RoBERTa. */
    static final double INIT_STD = 0.02;

    /** Prefix of the embedding parameters (data2vec §3.2's feature encoder for text). */
    public static final String EMBEDDINGS_PREFIX = "embeddings.";
    public static final String WORD = "embeddings.word_embeddings.weight";
    public static final String POSITION = "embeddings.position_embeddings.weight";
    public static final String TOKEN_TYPE = "embeddings.token_type_embeddings.weight";
    public static final String EMB_LN = "embeddings.LayerNorm";

    private TextParameters() {}

    /** Prefix of Transformer layer {@code i}. */
    public static String layer(int i) {
        return "encoder.layer." + i + ".";
    }

    /**
     * Whether a parameter belongs to the embeddings (word, position, token type, their
     * LayerNorm): what data2vec §3.2 lets the teacher share with the student.
     */
    public static boolean isFeatureEncoder(String name) {
        return name.startsWith(EMBEDDINGS_PREFIX);
    }

    /**
     * Every parameter of the model in a fixed order (the order seeding and the graph use).
     * Initialisation as Hugging Face's {@code _init_weights} makes it (normal with std
     * {@code initializer_range}, zero biases, LayerNorm weight 1 and bias 0, zero padding rows),
     * except that the normal is truncated at ±2σ so no weight starts as an outlier.
     */
    public static List<ParamSpec> specs(TextEncoderConfig c) {
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        ParamSpec.Init normal = new ParamSpec.Normal(INIT_STD);
        ParamSpec.Init padRowZero = new ParamSpec.NormalWithZeroRow(INIT_STD, c.padTokenId());
        List<ParamSpec> specs = new ArrayList<>();
        specs.add(new ParamSpec(WORD, new long[] {c.vocabSize(), h}, padRowZero));
        specs.add(new ParamSpec(POSITION, new long[] {c.maxPositionEmbeddings(), h}, padRowZero));
        specs.add(new ParamSpec(TOKEN_TYPE, new long[] {c.typeVocabSize(), h}, normal));
        ParamSpecs.addLayerNorm(specs, EMB_LN, h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = layer(i);
            ParamSpecs.addLinear(specs, p + "attention.self.query", h, h, normal);
            ParamSpecs.addLinear(specs, p + "attention.self.key", h, h, normal);
            ParamSpecs.addLinear(specs, p + "attention.self.value", h, h, normal);
            ParamSpecs.addLinear(specs, p + "attention.output.dense", h, h, normal);
            ParamSpecs.addLayerNorm(specs, p + "attention.output.LayerNorm", h);
            ParamSpecs.addLinear(specs, p + "intermediate.dense", ff, h, normal);
            ParamSpecs.addLinear(specs, p + "output.dense", h, ff, normal);
            ParamSpecs.addLayerNorm(specs, p + "output.LayerNorm", h);
        }
        return specs;
    }

    /**
     * The name and shape of every parameter the config calls for, in graph order: what a
     * checkpoint importer checks a file against before reading any data.
     */
    public static Map<String, long[]> shapes(TextEncoderConfig c) {
        return ParamSpecs.shapes(specs(c));
    }

    /** Fresh weights (see {@link #specs}); the same seed gives bit-identical weights on every JVM. */
    public static TensorBundle seeded(TextEncoderConfig c, long seed) {
        return ParamSpecs.seeded(specs(c), seed);
    }

    /** @throws IllegalArgumentException naming the first missing or misshapen tensor */
    public static void requireMatches(TextEncoderConfig c, TensorBundle weights) {
        ParamSpecs.requireMatches(specs(c), weights);
    }
}
