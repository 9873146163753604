package io.d2vstreams.topology.internal;

import io.d2vstreams.runtime.Embeddings;
import io.d2vstreams.runtime.ModelHolder;

import java.util.List;
import java.util.OptionalInt;

/**
 * Encodes image or audio payloads (the encoded files) with whatever model version the holder
 * serves now. Preprocessing runs inside the encoder; a payload it refuses surfaces as an
 * {@code InputRejectedException} naming its index, which {@link MicroBatchProcessor} routes.
 */
public final class MediaBatchEncoder implements BatchEncoder {
    private final ModelHolder<byte[]> model;

    public MediaBatchEncoder(ModelHolder<byte[]> model) {
        this.model = model;
    }

    @Override
    public Embeddings encode(List<byte[]> payloads) {
        return model.embed(payloads);
    }

    @Override
    public OptionalInt servingVersion() {
        return OptionalInt.of(model.current().version());
    }
}
