package io.d2vstreams.topology;

/** Why a record went to {@code d2v.dlq}; written in the {@link DeadLetterHeaders#REASON} header. */
public enum DeadLetterReason {
    /**
     * A record with a null value (a tombstone). Input topics hold events, not a table, so a
     * tombstone deletes nothing: it is dead-lettered (key and null value kept) like any record
     * the pipeline cannot embed, so that every input record has its one output.
     */
    TOMBSTONE("decode"),
    /** Empty, too short, or a magic byte other than 0: not the Confluent wire format. */
    NOT_WIRE_FORMAT("decode"),
    /** The registry answered 404 for the schema id in the record. */
    UNKNOWN_SCHEMA_ID("decode"),
    /** The Avro body does not decode with its writer schema into the expected type. */
    SCHEMA_MISMATCH("decode"),
    /** The event has no id; embeddings are keyed by it. */
    MISSING_ID("validate"),
    /** An id longer than 1024 characters: too long to key an embedding (and to quote in a dead letter). */
    ID_TOO_LONG("validate"),
    /** Text that is empty or only whitespace. */
    EMPTY_TEXT("validate"),
    /** Text longer than the configured character limit. */
    TEXT_TOO_LONG("validate"),
    /** An image or audio event with neither content nor uri, or with empty content and no uri. */
    MISSING_CONTENT("validate"),
    /** Image or audio bytes (inline or fetched) larger than the modality's byte limit or {@code uri.max.bytes}. */
    CONTENT_TOO_LARGE("validate"),
    /** A uri outside the allow-list ({@code uri.allowed.dirs}, {@code uri.allowed.hosts}), or not a usable URI. */
    URI_NOT_ALLOWED("validate"),
    /** An allowed uri that could not be read: missing file, HTTP error, a redirect loop, a timeout. */
    URI_FETCH_FAILED("fetch"),
    /** An image file with no pixels. */
    IMAGE_EMPTY("preprocess"),
    /** An image larger in bytes than the model's preprocessing accepts. */
    IMAGE_TOO_LARGE("preprocess"),
    /** An image whose header declares more pixels than the limit; refused before decoding. */
    IMAGE_TOO_MANY_PIXELS("preprocess"),
    /** An image not of the size the model needs, with resizing switched off. */
    IMAGE_WRONG_DIMENSIONS("preprocess"),
    /** Bytes that claim an image format but do not decode as it. */
    IMAGE_CORRUPT("preprocess"),
    /** An audio file with no samples. */
    AUDIO_EMPTY("preprocess"),
    /** Audio larger in bytes than the model's preprocessing accepts. */
    AUDIO_TOO_LARGE("preprocess"),
    /** Audio longer than the model's preprocessing accepts. */
    AUDIO_TOO_LONG("preprocess"),
    /** Audio shorter than the model's receptive field: it would yield no frame. */
    AUDIO_TOO_SHORT("preprocess"),
    /** Bytes that claim an audio format but do not decode as it. */
    AUDIO_CORRUPT("preprocess"),
    /** An image or audio format, or an encoding inside one, that preprocessing does not read. */
    UNSUPPORTED_FORMAT("preprocess"),
    /**
     * Processing this record threw an exception nothing on the data path anticipated (a bug, or
     * input no check foresaw); Kafka Streams' processing exception handler dead-lettered it so
     * that it does not stop the pipeline. The error class and message say what happened.
     */
    PROCESSING_FAILED("process"),
    /**
     * The record, buffered for its batch together with its headers, would be larger than the
     * batch buffer's changelog accepts ({@code max.message.bytes}); writing it would fail the task.
     */
    RECORD_TOO_LARGE("validate"),
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
