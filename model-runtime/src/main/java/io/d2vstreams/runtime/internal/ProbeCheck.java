package io.d2vstreams.runtime.internal;

import io.d2vstreams.runtime.Encoder;
import java.util.List;
import java.util.Optional;

/**
 * Runs a small fixed batch through a freshly loaded encoder before it may serve. Catches what a
 * checksum cannot: a graph with the wrong output width, or weights that produce NaN/Inf.
 */
public final class ProbeCheck {

    private ProbeCheck() {}

    /** Why the encoder must not serve, or empty when the probe batch came out well. */
    public static <I> Optional<String> problem(Encoder<I> encoder, List<I> probe, int expectedDim) {
        float[][] vectors;
        try {
            vectors = encoder.embed(probe);
        } catch (RuntimeException e) {
            return Optional.of("probe batch failed: " + e.getMessage());
        }
        if (vectors.length != probe.size()) {
            return Optional.of("probe batch of " + probe.size() + " gave " + vectors.length + " vectors");
        }
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != expectedDim) {
                return Optional.of("wrong output size: probe vector has " + vectors[i].length
                        + " values, expected " + expectedDim);
            }
            for (float x : vectors[i]) {
                if (!Float.isFinite(x)) {
                    return Optional.of("probe input " + i + " produced a non-finite value (" + x + ")");
                }
            }
        }
        return Optional.empty();
    }
}
