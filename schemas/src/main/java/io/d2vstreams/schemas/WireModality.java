package io.d2vstreams.schemas;

import io.d2vstreams.avro.Modality;

import java.util.Arrays;
import java.util.Objects;

/**
 * The one crossing between the wire's {@link Modality} (the Avro enum of the public contract) and
 * a process's own modality enum (model-runtime's, which this module does not see): by symbol name,
 * refusing a name the other side does not have instead of guessing.
 */
public final class WireModality {
    private WireModality() {
    }

    /** The wire symbol of {@code modality}, any enum whose constants are named as the Avro enum's symbols. */
    public static Modality of(Enum<?> modality) {
        String name = Objects.requireNonNull(modality, "modality").name();
        try {
            return Modality.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a modality of the wire format " + Arrays.toString(Modality.values()), e);
        }
    }

    /** {@code wire} as a constant of {@code type}, the process's own modality enum. */
    public static <E extends Enum<E>> E as(Class<E> type, Modality wire) {
        String name = Objects.requireNonNull(wire, "wire").name();
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the wire's modality " + name + " has no " + type.getSimpleName() + " constant", e);
        }
    }
}
