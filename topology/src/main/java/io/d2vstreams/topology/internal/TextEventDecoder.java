package io.d2vstreams.topology.internal;

import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.topology.DeadLetterReason;
import io.d2vstreams.topology.PipelineConfig;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.StandardCharsets;

/** Decodes a {@code TextEvent} from the Confluent wire format and checks it can be embedded. */
public final class TextEventDecoder implements EventDecoder {
    private final AvroEventReader<TextEvent> reader;
    private final int maxChars;

    public TextEventDecoder(Deserializer<TextEvent> deserializer, int maxChars) {
        this.reader = new AvroEventReader<>(deserializer, "TextEvent", TextEvent::getId);
        this.maxChars = maxChars;
    }

    @Override
    public Decoded decode(String topic, byte[] value) {
        AvroEventReader.Read<TextEvent> read = reader.read(topic, value);
        if (read instanceof AvroEventReader.Read.Refused<TextEvent> refused) {
            return refused.rejection();
        }
        AvroEventReader.Read.Event<TextEvent> ok = (AvroEventReader.Read.Event<TextEvent>) read;
        String id = ok.id();
        String text = ok.event().getText();
        if (text == null || text.isBlank()) {
            return Decoded.Rejected.of(DeadLetterReason.EMPTY_TEXT, "text of event " + id + " is empty");
        }
        if (text.length() > maxChars) {
            return Decoded.Rejected.of(DeadLetterReason.TEXT_TOO_LONG, "text of event " + id + " is "
                    + text.length() + " characters; the limit is " + maxChars + " (" + PipelineConfig.TEXT_MAX_CHARS + ")");
        }
        return new Decoded.Accepted(id, text.getBytes(StandardCharsets.UTF_8), ok.event().getTimestampMs());
    }
}
