package io.d2vstreams.trainer;

import java.util.Objects;

/**
 * The two topics the trainer uses, derived once from the configurable prefix. The names are
 * DESIGN.md's ("Public names and defaults": {@code d2v.training.samples}, {@code d2v.models});
 * topology's {@code Topics} spells the same two, and the trainer may not depend on topology.
 */
public record TrainerTopics(String prefix) {

    /** DESIGN.md's default prefix. */
    public static final String DEFAULT_PREFIX = "d2v.";

    public TrainerTopics {
        Objects.requireNonNull(prefix, "prefix");
    }

    /** What the sampling topology writes and the trainer reads: {@code d2v.training.samples}. */
    public String trainingSamples() {
        return prefix + "training.samples";
    }

    /** The compacted model announcements: {@code d2v.models}. */
    public String models() {
        return prefix + "models";
    }
}
