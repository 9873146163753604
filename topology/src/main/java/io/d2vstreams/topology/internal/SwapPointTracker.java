package io.d2vstreams.topology.internal;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Decides, for one stream task (one input partition), when the live embedding path crosses a
 * model version change, and at which offset: the swap points the backfill re-embeds up to.
 * Pure logic; {@link MicroBatchProcessor} keeps its two numbers in a changelogged store, so that
 * they are committed in the same transaction as the embeddings and swap points they describe.
 *
 * <p>A task with no state yet (a new application, or a build from before swap points) knows no
 * earlier version: its first batch (or, when idle, its first check) gives a swap point too, at the
 * first offset it embeds (0 on an empty partition), so the first version also gets a cut-over.
 */
public final class SwapPointTracker {
    private final int partition;
    private OptionalInt version;
    private OptionalLong lastSeenOffset;

    /**
     * @param version        the version of the last embedded batch, as stored, if any
     * @param lastSeenOffset the highest input offset seen, as stored, if any
     */
    public SwapPointTracker(int partition, OptionalInt version, OptionalLong lastSeenOffset) {
        this.partition = partition;
        this.version = version;
        this.lastSeenOffset = lastSeenOffset;
    }

    /** Every input record, before it is buffered or refused. */
    public void seen(long offset) {
        if (lastSeenOffset.isEmpty() || offset > lastSeenOffset.getAsLong()) {
            lastSeenOffset = OptionalLong.of(offset);
        }
    }

    /**
     * A group of records was embedded with {@code embeddedWith}, the lowest of their offsets being
     * {@code firstOffset}; a swap point when the version differs from the last group's.
     */
    public Optional<SwapPoint> embedded(int embeddedWith, long firstOffset) {
        if (version.isPresent() && version.getAsInt() == embeddedWith) {
            return Optional.empty();
        }
        version = OptionalInt.of(embeddedWith);
        return Optional.of(new SwapPoint(partition, embeddedWith, firstOffset));
    }

    /**
     * The buffer is empty and {@code serving} is the version the next batch would be embedded with:
     * a swap point at the offset after the last one seen, so that a partition without traffic does
     * not hold up the cut-over. Call only while nothing is buffered: every offset seen is then embedded
     * or dead-lettered.
     */
    public Optional<SwapPoint> idle(int serving) {
        return embedded(serving, lastSeenOffset.isPresent() ? lastSeenOffset.getAsLong() + 1 : 0L);
    }

    public OptionalInt version() {
        return version;
    }

    public OptionalLong lastSeenOffset() {
        return lastSeenOffset;
    }
}
