package io.d2vstreams.runtime;

import java.util.Objects;

/**
 * Names one model version: every embedding carries the id of the encoder that made it.
 *
 * @param modality what the model embeds
 * @param name the model family, e.g. {@code data2vec-text-tiny}
 * @param version the store version, 1, 2, ... (monotonic per modality)
 */
public record ModelId(Modality modality, String name, int version) {
    public ModelId {
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        if (version < 1) {
            throw new IllegalArgumentException("model version must be >= 1, got " + version);
        }
    }
}
