package io.d2vstreams.topology.internal;

import io.d2vstreams.schemas.RecordDecodeException;
import io.d2vstreams.topology.DeadLetterReason;
import org.apache.kafka.common.serialization.Deserializer;

import java.util.Objects;
import java.util.function.Function;

/**
 * The steps every event decoder starts with, whatever the modality: the Confluent wire format
 * into the Avro class ({@link WireDecodeFailures} names what went wrong), no tombstones, and a
 * non-blank id of at most {@link #MAX_ID_CHARS} characters, since embeddings are keyed by it.
 * What follows is each modality's own check.
 *
 * @param <E> the generated Avro class of the event
 */
final class AvroEventReader<E> {
    /**
     * The longest id accepted. An id keys the embedding and appears in log lines and dead-letter
     * messages, so it is bounded: a 200 kB id would make every one of those 200 kB.
     */
    static final int MAX_ID_CHARS = 1024;

    /** The outcome: the event and its id, or why it is refused. */
    sealed interface Read<E> {
        record Event<E>(E event, String id) implements Read<E> {
        }

        record Refused<E>(Decoded.Rejected rejection) implements Read<E> {
        }
    }

    private final Deserializer<E> deserializer;
    private final String typeName;
    private final Function<E, CharSequence> idOf;

    AvroEventReader(Deserializer<E> deserializer, String typeName, Function<E, CharSequence> idOf) {
        this.deserializer = Objects.requireNonNull(deserializer);
        this.typeName = Objects.requireNonNull(typeName);
        this.idOf = Objects.requireNonNull(idOf);
    }

    Read<E> read(String topic, byte[] value) {
        E event;
        try {
            event = deserializer.deserialize(topic, value);
        } catch (RecordDecodeException e) {
            return new Read.Refused<>(WireDecodeFailures.rejected(e));
        }
        if (event == null) {
            return new Read.Refused<>(Decoded.Rejected.of(DeadLetterReason.TOMBSTONE,
                    "value is null (a tombstone); expected: " + typeName + " in the Confluent wire format"));
        }
        CharSequence id = idOf.apply(event);
        if (id == null || id.toString().isBlank()) {
            return new Read.Refused<>(Decoded.Rejected.of(DeadLetterReason.MISSING_ID,
                    typeName + " id is empty; embeddings are keyed by it"));
        }
        int idChars = id.length() > MAX_ID_CHARS ? Character.codePointCount(id, 0, id.length()) : id.length();
        if (idChars > MAX_ID_CHARS) {
            return new Read.Refused<>(Decoded.Rejected.of(DeadLetterReason.ID_TOO_LONG, typeName + " id is "
                    + idChars + " characters; the limit is " + MAX_ID_CHARS));
        }
        return new Read.Event<>(event, id.toString());
    }
}
