package io.d2vstreams.topology.internal;

import io.d2vstreams.topology.DeadLetterReason;

/**
 * The outcome of decoding and validating one input record: an event ready to encode, or the
 * reason it must go to the dead-letter topic. Errors on the data path are values, not
 * exceptions, so the processor routes them without try/catch around every step.
 */
public sealed interface Decoded {

    /**
     * @param id               the event id, the key of the embedding
     * @param payload          what the encoder reads (UTF-8 text, image or audio bytes)
     * @param eventTimestampMs the producer's event time when the event carries one
     * @param mime             the media type the producer declared for image or audio bytes, else null; only
     *                         training samples carry it (preprocessing sniffs the format), so the batch buffer
     *                         does not keep it
     */
    record Accepted(String id, byte[] payload, Long eventTimestampMs, String mime) implements Decoded {
        public Accepted(String id, byte[] payload, Long eventTimestampMs) {
            this(id, payload, eventTimestampMs, null);
        }
    }

    /**
     * @param reason     machine-readable reason
     * @param errorClass the simple name of the error that describes it
     * @param message    what was wrong and what the limit is
     */
    record Rejected(DeadLetterReason reason, String errorClass, String message) implements Decoded {
        public static Rejected of(DeadLetterReason reason, String message) {
            return new Rejected(reason, reason.name(), message);
        }
    }
}
