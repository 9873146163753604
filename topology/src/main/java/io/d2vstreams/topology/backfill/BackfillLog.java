package io.d2vstreams.topology.backfill;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.WireModality;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * What {@code d2v.backfill} says so far, read in log order: the swap points of every input
 * partition, the progress of every backfill, the requests and the cut-overs. Pure state, fed by
 * whoever reads the topic; thread-safe, since the coordinator's reader thread feeds it while
 * workers ask it for their plans.
 */
public final class BackfillLog {
    private record VersionKey(Modality modality, int version) {
    }

    private record PartitionKey(Modality modality, int version, int partition) {
    }

    /** Per modality and partition: first offset → version, from the swap points. */
    private final Map<Modality, Map<Integer, NavigableMap<Long, Integer>>> swaps = new EnumMap<>(Modality.class);
    /** Per modality: the version of the last swap point in log order, the one the live pipeline moved to last. */
    private final Map<Modality, Integer> latestSwapVersion = new EnumMap<>(Modality.class);
    private final Map<PartitionKey, BackfillEvent> progress = new HashMap<>();
    private final Map<VersionKey, BackfillEvent> requests = new HashMap<>();
    private final Map<VersionKey, BackfillEvent> cutOvers = new HashMap<>();

    public synchronized void apply(BackfillEvent event) {
        if (event == null) {
            return; // a tombstone: nothing to learn
        }
        Modality modality = WireModality.as(Modality.class, event.getModality());
        switch (event.getKind()) {
            case SWAP_POINT -> {
                swaps.computeIfAbsent(modality, m -> new HashMap<>())
                        .computeIfAbsent(event.getPartition(), p -> new TreeMap<>())
                        .put(event.getFirstOffset(), event.getVersion());
                latestSwapVersion.put(modality, event.getVersion());
            }
            case PROGRESS -> progress.put(new PartitionKey(modality, event.getVersion(), event.getPartition()), event);
            case REQUEST -> requests.put(new VersionKey(modality, event.getVersion()), event);
            case CUT_OVER -> cutOvers.put(new VersionKey(modality, event.getVersion()), event);
        }
    }

    /** The version the live pipeline moved {@code modality} to last, the one a backfill should run for. */
    public synchronized OptionalInt target(Modality modality) {
        Integer version = latestSwapVersion.get(modality);
        return version == null ? OptionalInt.empty() : OptionalInt.of(version);
    }

    /**
     * The plan of {@code version} on {@code partition}: empty while the partition's latest swap point is
     * of another version (not swapped yet, or superseded).
     */
    public synchronized Optional<PartitionPlan> plan(Modality modality, int partition, int version) {
        NavigableMap<Long, Integer> points = swaps.getOrDefault(modality, Map.of()).get(partition);
        if (points == null || points.isEmpty() || points.lastEntry().getValue() != version) {
            return Optional.empty();
        }
        long end = points.lastKey();
        List<PartitionPlan.Range> live = new ArrayList<>();
        Map.Entry<Long, Integer> previous = null;
        for (Map.Entry<Long, Integer> point : points.entrySet()) {
            if (previous != null && previous.getValue() == version && previous.getKey() < point.getKey()) {
                live.add(new PartitionPlan.Range(previous.getKey(), point.getKey()));
            }
            previous = point;
        }
        BackfillEvent request = requests.get(new VersionKey(modality, version));
        Long from = request == null ? null : request.getFromOffsets().get(Integer.toString(partition));
        return Optional.of(new PartitionPlan(partition, version, from == null ? 0L : from, end, live));
    }

    /** The plans of every partition, when every one of {@code partitions} has one. */
    public synchronized Optional<Map<Integer, PartitionPlan>> plans(Modality modality, int version, int partitions) {
        Map<Integer, PartitionPlan> plans = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            Optional<PartitionPlan> plan = plan(modality, p, version);
            if (plan.isEmpty()) {
                return Optional.empty();
            }
            plans.put(p, plan.get());
        }
        return Optional.of(plans);
    }

    public synchronized Optional<BackfillEvent> progress(Modality modality, int version, int partition) {
        return Optional.ofNullable(progress.get(new PartitionKey(modality, version, partition)));
    }

    /**
     * Whether the backfill of {@code version} is done on every one of {@code partitions}: each has a
     * plan, and its progress reached the plan's end (or there was nothing to re-embed).
     */
    public synchronized boolean done(Modality modality, int version, int partitions) {
        Optional<Map<Integer, PartitionPlan>> plans = plans(modality, version, partitions);
        if (plans.isEmpty()) {
            return false;
        }
        for (PartitionPlan plan : plans.get().values()) {
            long position = progress(modality, version, plan.partition()).map(BackfillEvent::getPosition).orElse(0L);
            if (!plan.doneAt(position) && !nothingToEmbed(plan, position)) {
                return false;
            }
        }
        return true;
    }

    /** Only live ranges of the version lie between {@code position} and the end. */
    private static boolean nothingToEmbed(PartitionPlan plan, long position) {
        long next = Math.max(position, plan.start());
        for (PartitionPlan.Range range : plan.liveRanges()) {
            if (range.to() <= next) {
                continue;
            }
            if (range.from() > next) {
                return false;
            }
            next = range.to();
        }
        return next >= plan.end();
    }

    /** The latest cut-over of {@code version} whose swap points are still the current ones, if any. */
    public synchronized Optional<BackfillEvent> currentCutOver(Modality modality, int version, int partitions) {
        BackfillEvent cutOver = cutOvers.get(new VersionKey(modality, version));
        Optional<Map<Integer, PartitionPlan>> plans = plans(modality, version, partitions);
        if (cutOver == null || plans.isEmpty()) {
            return Optional.empty();
        }
        for (PartitionPlan plan : plans.get().values()) {
            Long end = cutOver.getInputEndOffsets().get(Integer.toString(plan.partition()));
            if (end == null || end != plan.end()) {
                return Optional.empty();
            }
        }
        return Optional.of(cutOver);
    }

    /** Embeddings the backfill of {@code version} has written so far, every partition, as its progress records say. */
    public synchronized long records(Modality modality, int version) {
        long total = 0;
        for (Map.Entry<PartitionKey, BackfillEvent> entry : progress.entrySet()) {
            PartitionKey key = entry.getKey();
            if (key.modality() == modality && key.version() == version && entry.getValue().getRecords() != null) {
                total += entry.getValue().getRecords();
            }
        }
        return total;
    }

    public synchronized Optional<BackfillEvent> request(Modality modality, int version) {
        return Optional.ofNullable(requests.get(new VersionKey(modality, version)));
    }
}
