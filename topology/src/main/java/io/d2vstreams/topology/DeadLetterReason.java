package io.d2vstreams.topology;

/** Why a record went to {@code d2v.dlq}; written in the {@link DeadLetterHeaders#REASON} header. */
public enum DeadLetterReason {
    /** Null, too short, or a magic byte other than 0: not the Confluent wire format. */
    NOT_WIRE_FORMAT("decode"),
    /** The registry answered 404 for the schema id in the record. */
    UNKNOWN_SCHEMA_ID("decode"),
    /** The Avro body does not decode with its writer schema into the expected type. */
    SCHEMA_MISMATCH("decode"),
    /** The event has no id; embeddings are keyed by it. */
    MISSING_ID("validate"),
    /** Text that is empty or only whitespace. */
    EMPTY_TEXT("validate"),
    /** Text longer than the configured character limit. */
    TEXT_TOO_LONG("validate"),
    /** The encoder refused this record on its own (its batch neighbours were encoded). */
    ENCODER_REJECTED("encode");

    private final String stage;

    DeadLetterReason(String stage) {
        this.stage = stage;
    }

    public String stage() {
        return stage;
    }
}
