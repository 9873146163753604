package io.d2vstreams.schemas;

/** Why a record's bytes could not be turned into a datum. Each one is the record's fault, not the system's. */
public enum DecodeFailure {
    /** Null, shorter than the 5-byte header, or a first byte other than the magic byte 0. */
    NOT_WIRE_FORMAT,
    /** The registry answered "schema not found" (404, error code 40403) for the id in the header. */
    UNKNOWN_SCHEMA_ID,
    /**
     * The Avro payload does not decode with the writer schema (truncated, garbage, trailing bytes),
     * the writer schema is not an Avro schema this reader can use, or it cannot be resolved
     * against the reader's type.
     */
    SCHEMA_MISMATCH
}
