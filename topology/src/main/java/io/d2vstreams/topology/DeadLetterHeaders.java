package io.d2vstreams.topology;

/**
 * Header names on {@code d2v.dlq} records. A dead letter keeps the original key, value and
 * headers untouched (unless together they are larger than the topic accepts: see {@link #DROPPED});
 * these headers are added beside them so an operator (or a replay job)
 * can tell where the record came from and why it was refused. Values are UTF-8 strings.
 */
public final class DeadLetterHeaders {
    /** Pipeline stage that refused the record: {@code decode}, {@code validate}, {@code fetch},
     * {@code preprocess}, {@code encode}. */
    public static final String STAGE = "d2v.dlq.stage";
    /** Machine-readable reason, one of {@link DeadLetterReason}. */
    public static final String REASON = "d2v.dlq.reason";
    /** Simple class name of the error that describes the refusal. */
    public static final String ERROR_CLASS = "d2v.dlq.error.class";
    /** Human-readable message: what was wrong and what the limit is. */
    public static final String ERROR_MESSAGE = "d2v.dlq.error.message";
    public static final String SOURCE_TOPIC = "d2v.dlq.source.topic";
    public static final String SOURCE_PARTITION = "d2v.dlq.source.partition";
    public static final String SOURCE_OFFSET = "d2v.dlq.source.offset";
    /**
     * Present only when the original value and headers were left out because, with them, the dead
     * letter would be larger than the dead-letter topic accepts; says their sizes and the limit.
     */
    public static final String DROPPED = "d2v.dlq.dropped";
    /** Wall-clock time the record was dead-lettered, epoch milliseconds. */
    public static final String TIME = "d2v.dlq.time";

    private DeadLetterHeaders() {
    }
}
