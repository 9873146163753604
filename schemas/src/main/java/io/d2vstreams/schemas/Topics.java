package io.d2vstreams.schemas;

import io.d2vstreams.avro.Modality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The topic names of DESIGN.md, derived once from the configurable prefix ({@code d2v.} by default).
 * Every other class (pipeline, trainer, CLI) asks this one for a name instead of spelling it.
 *
 * <p>A modality's topics take the wire enum {@link Modality} or model-runtime's
 * {@code io.d2vstreams.runtime.Modality}, which spells the same symbols; schemas may not see
 * model-runtime (DESIGN.md), so the latter is accepted as any enum whose name is a wire symbol,
 * and anything else is refused with an {@link IllegalArgumentException}.
 */
public final class Topics {
    public static final String DEFAULT_PREFIX = "d2v.";

    private final String prefix;

    public Topics(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    public static Topics withDefaultPrefix() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    /** {@code d2v.events.text}, {@code d2v.events.image}, {@code d2v.events.audio}. */
    public String events(Enum<?> modality) {
        return prefix + "events." + lower(modality);
    }

    /** {@code d2v.embeddings.text}, {@code d2v.embeddings.image}, {@code d2v.embeddings.audio}. */
    public String embeddings(Enum<?> modality) {
        return prefix + "embeddings." + lower(modality);
    }

    /** The modality (the wire enum) whose input topic {@code topic} is, if it is one. */
    public Optional<Modality> inputModality(String topic) {
        for (Modality modality : Modality.values()) {
            if (events(modality).equals(topic)) {
                return Optional.of(modality);
            }
        }
        return Optional.empty();
    }

    public String deadLetters() {
        return prefix + "dlq";
    }

    public String trainingSamples() {
        return prefix + "training.samples";
    }

    /** Compacted: the latest {@code ModelVersion} per modality and version. */
    public String models() {
        return prefix + "models";
    }

    /**
     * Compacted: swap points, progress and cut-over markers of the backfill that re-embeds a
     * modality's history after its serving version changed ({@code BackfillEvent}, see BackfillKeys).
     */
    public String backfill() {
        return prefix + "backfill";
    }

    /** Every topic the product owns, in a stable order. */
    public List<String> all() {
        List<String> all = new ArrayList<>();
        Arrays.stream(Modality.values()).map(this::events).forEach(all::add);
        Arrays.stream(Modality.values()).map(this::embeddings).forEach(all::add);
        all.addAll(List.of(deadLetters(), trainingSamples(), models(), backfill()));
        return List.copyOf(all);
    }

    private static String lower(Enum<?> modality) {
        // valueOf refuses a name that is no wire symbol, so no other enum can make up a topic.
        return WireModality.of(modality).name().toLowerCase(Locale.ROOT);
    }
}
