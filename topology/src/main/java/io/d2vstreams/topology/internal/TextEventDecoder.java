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
        if (text == null || showsNothing(text)) {
            return Decoded.Rejected.of(DeadLetterReason.EMPTY_TEXT, "text of event " + id
                    + " is empty or only spaces and invisible characters");
        }
        // Characters are code points: an emoji is one character, not the two UTF-16 units Java counts.
        int chars = text.length() > maxChars ? text.codePointCount(0, text.length()) : text.length();
        if (chars > maxChars) {
            return Decoded.Rejected.of(DeadLetterReason.TEXT_TOO_LONG, "text of event " + id + " is "
                    + chars + " characters; the limit is " + maxChars + " (" + PipelineConfig.TEXT_MAX_CHARS + ")");
        }
        return new Decoded.Accepted(id, text.getBytes(StandardCharsets.UTF_8), ok.event().getTimestampMs());
    }

    /**
     * True when no character would show: whitespace as {@link String#isBlank} sees it, the
     * no-break spaces it does not (U+00A0, U+2007, U+202F), and invisible format and control
     * characters (zero-width space U+200B, joiners, word joiner U+2060, byte-order mark U+FEFF).
     * An encoder given such a text embeds padding, and the vector means nothing.
     */
    static boolean showsNothing(String text) {
        return text.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT || Character.isISOControl(c));
    }
}
