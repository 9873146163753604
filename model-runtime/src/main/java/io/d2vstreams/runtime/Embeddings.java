package io.d2vstreams.runtime;

import java.util.Objects;

/**
 * The vectors of one batch and the model version that made all of them.
 *
 * @param model the encoder that computed every row
 * @param vectors one row per input, in input order
 */
public record Embeddings(ModelId model, float[][] vectors) {
    public Embeddings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(vectors, "vectors");
    }

    public int size() {
        return vectors.length;
    }
}
