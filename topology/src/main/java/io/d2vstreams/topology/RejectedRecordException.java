package io.d2vstreams.topology;

import java.util.Objects;

/**
 * One input record refused for a known reason while it was being processed (not wire format,
 * unknown schema id, empty or oversized text, a refused URI ...). The embedding processor throws
 * it instead of writing the dead letter itself, so that Kafka Streams' own processing exception
 * handler ({@link DeadLetterProcessingExceptionHandler}) writes every per-record dead letter, with
 * the raw source bytes Kafka Streams keeps for it, in the task's transaction.
 *
 * <p>Bad input is expected traffic, so the exception carries no stack trace: it costs an
 * allocation, not a stack walk.
 */
public final class RejectedRecordException extends RuntimeException {
    private final DeadLetterReason reason;
    private final String errorClass;

    /**
     * @param errorClass the simple name of the error that describes the refusal (the dead letter's
     *                   error-class header), e.g. the decoder's exception or the reason itself
     * @param message    what was wrong and what the limit is
     */
    public RejectedRecordException(DeadLetterReason reason, String errorClass, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.errorClass = Objects.requireNonNull(errorClass, "errorClass");
    }

    public DeadLetterReason reason() {
        return reason;
    }

    public String errorClass() {
        return errorClass;
    }
}
