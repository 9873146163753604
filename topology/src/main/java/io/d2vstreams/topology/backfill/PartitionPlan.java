package io.d2vstreams.topology.backfill;

import java.util.List;

/**
 * What the backfill of one version must re-embed on one input partition: every offset from
 * {@code start} (0, or the bound an operator's request set) below {@code end} (the version's latest
 * swap point there) except the ranges that the live pipeline already embedded with this same
 * version (a version served before, then rolled back to), which have their one embedding of it already.
 *
 * @param liveRanges half-open {@code [from, to)} offset ranges, ascending, all below {@code end}
 */
public record PartitionPlan(int partition, int version, long start, long end, List<Range> liveRanges) {
    public record Range(long from, long to) {
    }

    public PartitionPlan {
        liveRanges = List.copyOf(liveRanges);
    }

    /** A plan from the partition's log start. */
    public PartitionPlan(int partition, int version, long end, List<Range> liveRanges) {
        this(partition, version, 0L, end, liveRanges);
    }

    /** Whether the record at {@code offset} needs a backfilled embedding of {@link #version}. */
    public boolean needsEmbedding(long offset) {
        if (offset < start || offset >= end) {
            return false;
        }
        for (Range range : liveRanges) {
            if (offset >= range.from() && offset < range.to()) {
                return false;
            }
        }
        return true;
    }

    /** The partition is done once the backfill's position there has reached the swap point. */
    public boolean doneAt(long position) {
        return position >= end;
    }
}
