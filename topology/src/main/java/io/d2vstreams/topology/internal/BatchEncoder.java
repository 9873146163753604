package io.d2vstreams.topology.internal;

import io.d2vstreams.runtime.Embeddings;

import java.util.List;
import java.util.OptionalInt;

/** Encodes the payloads of one micro-batch with whatever model version is active right now. */
@FunctionalInterface
public interface BatchEncoder {
    /** One vector per payload, in order, all made by the model version the result names. */
    Embeddings encode(List<byte[]> payloads);

    /**
     * The version the next batch would be encoded with, when the encoder knows it: an idle task
     * uses it to place a swap point without waiting for traffic. Empty for stand-ins.
     */
    default OptionalInt servingVersion() {
        return OptionalInt.empty();
    }
}
