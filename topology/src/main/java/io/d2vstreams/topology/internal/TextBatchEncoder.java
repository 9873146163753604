package io.d2vstreams.topology.internal;

import io.d2vstreams.runtime.Embeddings;
import io.d2vstreams.runtime.ModelHolder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

/** Encodes UTF-8 text payloads with whatever text model version the holder serves now. */
public final class TextBatchEncoder implements BatchEncoder {
    private final ModelHolder<String> model;

    public TextBatchEncoder(ModelHolder<String> model) {
        this.model = model;
    }

    @Override
    public Embeddings encode(List<byte[]> payloads) {
        return model.embed(payloads.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList());
    }

    @Override
    public OptionalInt servingVersion() {
        return OptionalInt.of(model.current().version());
    }
}
