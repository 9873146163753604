package io.d2vstreams.runtime.internal.text;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.TextEncoderConfig;
import io.d2vstreams.runtime.internal.TruncatedNormal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The parameters of Hugging Face's {@code Data2VecTextModel} (no pooler): their names, their
 * shapes in PyTorch layout ({@code nn.Linear.weight} is {@code [out, in]}), and a seeded
 * initialisation.
 */
public final class TextWeights {

    /** How one parameter starts out. */
    enum Init {
        /** N(0, 0.02²) truncated at two standard deviations. */
        NORMAL,
        /** As NORMAL, with the row at {@code pad_token_id} zeroed like {@code nn.Embedding(padding_idx=...)}. */
        NORMAL_PAD_ROW_ZERO,
        ZEROS,
        ONES
    }

    /** One parameter: Hugging Face name, shape, initialisation. */
    record Spec(String name, long[] shape, Init init) {}

    /** Hugging Face's {@code initializer_range} for data2vec/RoBERTa. */
    static final double INIT_STD = 0.02;

    private TextWeights() {}

    static final String WORD = "embeddings.word_embeddings.weight";
    static final String POSITION = "embeddings.position_embeddings.weight";
    static final String TOKEN_TYPE = "embeddings.token_type_embeddings.weight";
    static final String EMB_LN = "embeddings.LayerNorm";

    static String layer(int i) {
        return "encoder.layer." + i + ".";
    }

    /** Every parameter of the model in a fixed order (the order seeding and the graph use). */
    static List<Spec> specs(TextEncoderConfig c) {
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        List<Spec> specs = new ArrayList<>();
        specs.add(new Spec(WORD, new long[] {c.vocabSize(), h}, Init.NORMAL_PAD_ROW_ZERO));
        specs.add(new Spec(POSITION, new long[] {c.maxPositionEmbeddings(), h}, Init.NORMAL_PAD_ROW_ZERO));
        specs.add(new Spec(TOKEN_TYPE, new long[] {c.typeVocabSize(), h}, Init.NORMAL));
        layerNorm(specs, EMB_LN, h);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = layer(i);
            linear(specs, p + "attention.self.query", h, h);
            linear(specs, p + "attention.self.key", h, h);
            linear(specs, p + "attention.self.value", h, h);
            linear(specs, p + "attention.output.dense", h, h);
            layerNorm(specs, p + "attention.output.LayerNorm", h);
            linear(specs, p + "intermediate.dense", ff, h);
            linear(specs, p + "output.dense", h, ff);
            layerNorm(specs, p + "output.LayerNorm", h);
        }
        return specs;
    }

    /**
     * The name and shape of every parameter the config calls for, in graph order: what a
     * checkpoint importer checks a file against before reading any data.
     */
    public static Map<String, long[]> shapes(TextEncoderConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Spec s : specs(c)) {
            shapes.put(s.name(), s.shape().clone());
        }
        return shapes;
    }

    /**
     * Fresh weights as Hugging Face's {@code _init_weights} makes them (normal with std
     * {@code initializer_range}, zero biases, LayerNorm weight 1 and bias 0, zero padding rows),
     * except that the normal is truncated at ±2σ so no weight starts as an outlier. Each tensor
     * draws from its own {@code split()} of {@code SplittableRandom(seed)}: the same seed gives
     * bit-identical weights on every JVM.
     */
    public static TensorBundle seeded(TextEncoderConfig c, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        TensorBundle.Builder bundle = TensorBundle.builder();
        for (Spec s : specs(c)) {
            float[] data = new float[Math.toIntExact(Arrays.stream(s.shape()).reduce(1, Math::multiplyExact))];
            switch (s.init()) {
                case ONES -> Arrays.fill(data, 1f);
                case ZEROS -> { }
                case NORMAL, NORMAL_PAD_ROW_ZERO -> {
                    TruncatedNormal normal = new TruncatedNormal(root.split());
                    for (int i = 0; i < data.length; i++) {
                        data[i] = normal.next(INIT_STD);
                    }
                    if (s.init() == Init.NORMAL_PAD_ROW_ZERO) {
                        int width = (int) s.shape()[1];
                        Arrays.fill(data, c.padTokenId() * width, (c.padTokenId() + 1) * width, 0f);
                    }
                }
            }
            bundle.put(s.name(), s.shape(), data);
        }
        return bundle.build();
    }

    /**
     * Checks that a bundle has every parameter the config calls for, with the right shape.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen tensor
     */
    static void requireMatches(TextEncoderConfig c, TensorBundle weights) {
        for (Spec s : specs(c)) {
            if (!weights.contains(s.name())) {
                throw new IllegalArgumentException("weights lack '" + s.name() + "'");
            }
            long[] actual = weights.get(s.name()).shape();
            if (!Arrays.equals(actual, s.shape())) {
                throw new IllegalArgumentException("weight '" + s.name() + "' has shape " + Arrays.toString(actual)
                        + ", the config calls for " + Arrays.toString(s.shape()));
            }
        }
    }

    private static void linear(List<Spec> specs, String prefix, long out, long in) {
        specs.add(new Spec(prefix + ".weight", new long[] {out, in}, Init.NORMAL));
        specs.add(new Spec(prefix + ".bias", new long[] {out}, Init.ZEROS));
    }

    private static void layerNorm(List<Spec> specs, String prefix, long width) {
        specs.add(new Spec(prefix + ".weight", new long[] {width}, Init.ONES));
        specs.add(new Spec(prefix + ".bias", new long[] {width}, Init.ZEROS));
    }
}
