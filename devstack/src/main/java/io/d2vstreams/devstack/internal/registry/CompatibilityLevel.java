package io.d2vstreams.devstack.internal.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * Confluent's compatibility levels. BACKWARD: the new schema reads data written with the old one;
 * FORWARD: the old schema reads data written with the new one; FULL: both. Transitive levels check
 * against every live version, the others against the latest only.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** Confluent's default, and ours. */
    public static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    boolean backward() {
        return backward;
    }

    boolean forward() {
        return forward;
    }

    boolean transitive() {
        return transitive;
    }

    /** Case-insensitive, as Confluent accepts {@code "backward"} too. */
    static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
