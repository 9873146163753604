package io.d2vstreams.runtime.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.text.internal.ByteLevelBpeTokenizer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TextParametersTest {

    private static final TextEncoderConfig TINY = TextEncoderConfig.tiny(ByteLevelBpeTokenizer.VOCAB_SIZE);

    @Test
    @DisplayName("the same seed gives bit-identical weights and another seed different ones")
    void seedDeterminism() {
        TensorBundle a = TextParameters.seeded(TINY, 7);
        TensorBundle b = TextParameters.seeded(TINY, 7);
        TensorBundle c = TextParameters.seeded(TINY, 8);
        String q = "encoder.layer.0.attention.self.query.weight";

        for (String name : a.names()) {
            assertThat(b.get(name).data()).as("seed 7 twice: " + name).containsExactly(a.get(name).data());
        }
        assertThat(c.get(q).data()).as("seed 8 vs seed 7").isNotEqualTo(a.get(q).data());
    }

    @Test
    @DisplayName("weights start as Hugging Face initialises them: truncated N(0, 0.02), LayerNorm 1 and 0, zero biases and padding rows")
    void initialisation() {
        TensorBundle w = TextParameters.seeded(TINY, 3);
        float[] query = w.get("encoder.layer.1.attention.self.query.weight").data();
        double mean = 0;
        double sq = 0;
        for (float x : query) {
            mean += x;
            sq += x * x;
        }
        mean /= query.length;
        double std = Math.sqrt(sq / query.length - mean * mean);

        float largest = 0;
        for (float x : query) {
            largest = Math.max(largest, Math.abs(x));
        }
        assertThat(largest).as("largest |weight|, truncated at 2σ").isLessThanOrEqualTo(0.04f);
        assertThat(std).as("std of a 2σ-truncated N(0, 0.02)").isBetween(0.0160, 0.0190);
        assertThat(w.get("embeddings.LayerNorm.weight").data()).as("LayerNorm weight").containsOnly(1f);
        assertThat(w.get("encoder.layer.0.output.LayerNorm.bias").data()).as("LayerNorm bias").containsOnly(0f);
        assertThat(w.get("encoder.layer.0.intermediate.dense.bias").data()).as("Linear bias").containsOnly(0f);
        float[] words = w.get("embeddings.word_embeddings.weight").data();
        for (int j = 0; j < TINY.hiddenSize(); j++) {
            assertThat(words[TINY.padTokenId() * TINY.hiddenSize() + j]).as("<pad> embedding, unit %d", j).isZero();
        }
        assertThat(w.parameterCount()).as("parameters of the tiny model").isBetween(100_000L, 200_000L);
    }
}
