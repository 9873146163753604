package io.d2vstreams.topology.backfill;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.BackfillKind;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.WireModality;

import java.util.Map;
import java.util.TreeMap;

/** Builds the {@code BackfillEvent} records of each kind, so each kind sets its fields in one place. */
public final class BackfillEvents {
    private BackfillEvents() {
    }

    public static BackfillEvent swapPoint(Modality modality, int partition, int version, long firstOffset, long nowMs) {
        return base(BackfillKind.SWAP_POINT, modality, version, nowMs)
                .setPartition(partition).setFirstOffset(firstOffset).build();
    }

    public static BackfillEvent progress(Modality modality, int version, int partition, long position, long endOffset,
                                         long records, long skipped, long nowMs) {
        return base(BackfillKind.PROGRESS, modality, version, nowMs).setPartition(partition).setPosition(position)
                .setEndOffset(endOffset).setRecords(records).setSkipped(skipped).build();
    }

    public static BackfillEvent request(Modality modality, int version, long nowMs) {
        return request(modality, version, Map.of(), nowMs);
    }

    /** A request that re-embeds each partition of {@code fromOffsets} only from that offset on. */
    public static BackfillEvent request(Modality modality, int version, Map<Integer, Long> fromOffsets, long nowMs) {
        return base(BackfillKind.REQUEST, modality, version, nowMs).setFromOffsets(byPartitionName(fromOffsets)).build();
    }

    /**
     * @param inputStartOffsets the partitions whose backfill started above their log start, by a
     *                          request's {@code from_offsets}, and where
     */
    public static BackfillEvent cutOver(Modality modality, int version, Map<Integer, Long> inputStartOffsets,
                                        Map<Integer, Long> inputEndOffsets,
                                        String embeddingTopic, Map<Integer, Long> embeddingEndOffsets,
                                        long records, long skipped, long nowMs) {
        return base(BackfillKind.CUT_OVER, modality, version, nowMs)
                .setFromOffsets(byPartitionName(inputStartOffsets))
                .setInputEndOffsets(byPartitionName(inputEndOffsets))
                .setEmbeddingTopic(embeddingTopic).setEmbeddingEndOffsets(byPartitionName(embeddingEndOffsets))
                .setRecords(records).setSkipped(skipped).build();
    }

    public static io.d2vstreams.avro.Modality avro(Modality modality) {
        return WireModality.of(modality);
    }

    private static BackfillEvent.Builder base(BackfillKind kind, Modality modality, int version, long nowMs) {
        return BackfillEvent.newBuilder().setKind(kind).setModality(avro(modality)).setVersion(version)
                .setCreatedAtMs(nowMs);
    }

    /** Avro map keys are strings: the partition number in decimal. */
    private static Map<String, Long> byPartitionName(Map<Integer, Long> offsets) {
        Map<String, Long> named = new TreeMap<>();
        offsets.forEach((partition, offset) -> named.put(Integer.toString(partition), offset));
        return named;
    }
}
