package io.d2vstreams.cli.client;

import java.util.Objects;

/**
 * One event to produce: an id and either a text or the bytes of an image or audio file.
 *
 * @param mime the media type of {@code content}, null when unknown (the pipeline sniffs it)
 */
public record EventInput(String id, String text, byte[] content, String mime) {
    public EventInput {
        Objects.requireNonNull(id, "id");
        if ((text == null) == (content == null)) {
            throw new IllegalArgumentException("event " + id + " needs exactly one of text or content");
        }
    }

    public static EventInput text(String id, String text) {
        return new EventInput(id, text, null, null);
    }

    public static EventInput media(String id, byte[] content, String mime) {
        return new EventInput(id, null, content, mime);
    }
}
