package io.d2vstreams.schemas;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record whose value cannot be decoded: a bad record, to be dead-lettered, never retried.
 *
 * <p>Carries a typed {@link #reason()}, the topic, the schema id when the header could be read, and a
 * {@link #detail()} that says what was wrong and what was expected.
 */
public class RecordDecodeException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final DecodeFailure reason;
    private final String topic;
    private final Integer schemaId;
    private final String detail;

    /**
     * @param topic the topic, or null where unknown
     * @param schemaId the schema id from the header, or null where it could not be read
     */
    public RecordDecodeException(DecodeFailure reason, String topic, Integer schemaId, String detail, Throwable cause) {
        super(message(reason, topic, schemaId, detail), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.topic = topic;
        this.schemaId = schemaId;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    private static String message(DecodeFailure reason, String topic, Integer schemaId, String detail) {
        StringBuilder message = new StringBuilder(detail).append(" [").append(reason);
        if (topic != null) {
            message.append(", topic=").append(topic);
        }
        if (schemaId != null) {
            message.append(", schema id=").append(schemaId);
        }
        return message.append(']').toString();
    }

    public DecodeFailure reason() {
        return reason;
    }

    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    public OptionalInt schemaId() {
        return schemaId == null ? OptionalInt.empty() : OptionalInt.of(schemaId);
    }

    /** What was wrong and what was expected, without the reason/topic/id suffix of {@link #getMessage()}. */
    public String detail() {
        return detail;
    }
}
