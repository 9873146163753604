package io.d2vstreams.topology.internal;

import io.d2vstreams.topology.DeadLetterReason;

/**
 * The live path's rule for which input records are embedded and which are dead-lettered as they
 * arrive: decoding and validation, then the buffer's size limit. The backfill applies the same rule,
 * so that a record the live pipeline dead-lettered is skipped there instead of getting an embedding
 * (or a second dead letter).
 */
public final class RecordAdmission {
    private final EventDecoder decoder;
    private final int maxBufferedRecordBytes;

    public RecordAdmission(EventDecoder decoder, int maxBufferedRecordBytes) {
        this.decoder = decoder;
        this.maxBufferedRecordBytes = maxBufferedRecordBytes;
    }

    /** {@link Decoded.Accepted} as a {@link BufferedRecord}, else the reason it is refused. */
    public Admitted admit(SourceRecord source, long nowMs) {
        Decoded decoded = decoder.decode(source.topic(), source.value());
        if (decoded instanceof Decoded.Rejected rejected) {
            return new Admitted(null, rejected);
        }
        BufferedRecord pending = new BufferedRecord((Decoded.Accepted) decoded, source, nowMs);
        long size = BufferedRecordSerde.sizeBound(pending);
        if (size > maxBufferedRecordBytes) {
            // The changelog would refuse it, failing the task on this same record after every restart.
            return new Admitted(null, new Decoded.Rejected(DeadLetterReason.RECORD_TOO_LARGE,
                    DeadLetterReason.RECORD_TOO_LARGE.name(), "event " + pending.event().id() + " with its headers is up to "
                    + size + " bytes once buffered; the batch buffer's changelog accepts " + maxBufferedRecordBytes
                    + " bytes (max.message.bytes)"));
        }
        return new Admitted(pending, null);
    }

    /** Exactly one of the two is set. */
    public record Admitted(BufferedRecord record, Decoded.Rejected refusal) {
        public boolean accepted() {
            return record != null;
        }
    }
}
