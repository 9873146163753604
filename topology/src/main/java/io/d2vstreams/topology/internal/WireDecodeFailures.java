package io.d2vstreams.topology.internal;

import io.d2vstreams.schemas.RecordDecodeException;
import io.d2vstreams.topology.DeadLetterReason;

/** Maps the schemas module's typed decode failures onto dead-letter reasons. */
final class WireDecodeFailures {
    private WireDecodeFailures() {
    }

    static Decoded.Rejected rejected(RecordDecodeException e) {
        DeadLetterReason reason = switch (e.reason()) {
            case NOT_WIRE_FORMAT -> DeadLetterReason.NOT_WIRE_FORMAT;
            case UNKNOWN_SCHEMA_ID -> DeadLetterReason.UNKNOWN_SCHEMA_ID;
            case SCHEMA_MISMATCH -> DeadLetterReason.SCHEMA_MISMATCH;
        };
        return new Decoded.Rejected(reason, e.getClass().getSimpleName(), e.getMessage());
    }
}
