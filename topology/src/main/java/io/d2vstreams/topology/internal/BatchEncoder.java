package io.d2vstreams.topology.internal;

import io.d2vstreams.runtime.Embeddings;

import java.util.List;

/** Encodes the payloads of one micro-batch with whatever model version is active right now. */
@FunctionalInterface
public interface BatchEncoder {
    /** One vector per payload, in order, all made by the model version the result names. */
    Embeddings encode(List<byte[]> payloads);
}
