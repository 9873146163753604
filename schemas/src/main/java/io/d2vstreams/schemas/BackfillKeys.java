package io.d2vstreams.schemas;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.BackfillKind;
import io.d2vstreams.avro.Modality;

/**
 * Record keys on the compacted {@code d2v.backfill} topic. Compaction keeps the latest record per
 * key, so the key says what must survive: every swap point
 * ({@code SWAP_POINT/<MODALITY>/<version>/<partition>/<first_offset>}: a version served twice, after
 * a rollback, has two), the latest progress of each partition of a version's backfill
 * ({@code PROGRESS/<MODALITY>/<version>/<partition>}), and the latest request and cut-over of each
 * version ({@code REQUEST/<MODALITY>/<version>}, {@code CUT_OVER/<MODALITY>/<version>}).
 */
public final class BackfillKeys {
    private BackfillKeys() {
    }

    public static String swapPoint(Modality modality, int version, int partition, long firstOffset) {
        return BackfillKind.SWAP_POINT + "/" + modality + "/" + version + "/" + partition + "/" + firstOffset;
    }

    public static String progress(Modality modality, int version, int partition) {
        return BackfillKind.PROGRESS + "/" + modality + "/" + version + "/" + partition;
    }

    public static String request(Modality modality, int version) {
        return BackfillKind.REQUEST + "/" + modality + "/" + version;
    }

    public static String cutOver(Modality modality, int version) {
        return BackfillKind.CUT_OVER + "/" + modality + "/" + version;
    }

    public static String keyOf(BackfillEvent event) {
        return switch (event.getKind()) {
            case SWAP_POINT -> swapPoint(event.getModality(), event.getVersion(), event.getPartition(), event.getFirstOffset());
            case PROGRESS -> progress(event.getModality(), event.getVersion(), event.getPartition());
            case REQUEST -> request(event.getModality(), event.getVersion());
            case CUT_OVER -> cutOver(event.getModality(), event.getVersion());
        };
    }
}
