package io.d2vstreams.topology.internal;

import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.schemas.RecordDecodeException;
import io.d2vstreams.topology.DeadLetterReason;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.StandardCharsets;

/** Decodes a {@code TextEvent} from the Confluent wire format and checks it can be embedded. */
public final class TextEventDecoder implements EventDecoder {
    private final Deserializer<TextEvent> deserializer;
    private final int maxChars;

    public TextEventDecoder(Deserializer<TextEvent> deserializer, int maxChars) {
        this.deserializer = deserializer;
        this.maxChars = maxChars;
    }

    @Override
    public Decoded decode(String topic, byte[] value) {
        TextEvent event;
        try {
            event = deserializer.deserialize(topic, value);
        } catch (RecordDecodeException e) {
            return WireDecodeFailures.rejected(e);
        }
        if (event == null) {
            return Decoded.Rejected.of(DeadLetterReason.NOT_WIRE_FORMAT,
                    "value is null (a tombstone); a TextEvent in the Confluent wire format was expected");
        }
        if (event.getId() == null || event.getId().isBlank()) {
            return Decoded.Rejected.of(DeadLetterReason.MISSING_ID, "event id is empty; embeddings are keyed by it");
        }
        String text = event.getText();
        if (text == null || text.isBlank()) {
            return Decoded.Rejected.of(DeadLetterReason.EMPTY_TEXT, "text of event " + event.getId() + " is empty");
        }
        if (text.length() > maxChars) {
            return Decoded.Rejected.of(DeadLetterReason.TEXT_TOO_LONG, "text of event " + event.getId() + " is "
                    + text.length() + " characters; the limit is " + maxChars + " (" + "text.max.chars)");
        }
        return new Decoded.Accepted(event.getId(), text.getBytes(StandardCharsets.UTF_8), event.getTimestampMs());
    }
}
