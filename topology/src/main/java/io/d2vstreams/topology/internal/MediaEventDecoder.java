package io.d2vstreams.topology.internal;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.topology.DeadLetterReason;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Decodes an {@code ImageEvent} or {@code AudioEvent} and finds its bytes: the inline
 * {@code content} when there is some, else whatever its {@code uri} points to, fetched only
 * inside the allow-list. The bytes are not parsed here: the model's own preprocessing does
 * that at encode time and names what is wrong with them.
 *
 * @param <E> the generated Avro class of the event
 */
public final class MediaEventDecoder<E> implements EventDecoder {

    /** The fields image and audio events share; the generated classes have no common type. */
    record MediaFields(ByteBuffer content, String uri, String mime, Long timestampMs) {
    }

    private final Modality modality;
    private final AvroEventReader<E> reader;
    private final Function<E, MediaFields> fields;
    private final int maxBytes;
    private final String maxBytesKey;
    private final UriFetcher fetcher;

    private MediaEventDecoder(Modality modality, AvroEventReader<E> reader, Function<E, MediaFields> fields,
                              int maxBytes, String maxBytesKey, UriFetcher fetcher) {
        this.modality = modality;
        this.reader = reader;
        this.fields = fields;
        this.maxBytes = maxBytes;
        this.maxBytesKey = Objects.requireNonNull(maxBytesKey);
        this.fetcher = Objects.requireNonNull(fetcher);
    }

    /** @param maxBytes larger images are dead-lettered; {@code maxBytesKey} is the setting named in the message */
    public static MediaEventDecoder<ImageEvent> images(Deserializer<ImageEvent> deserializer, int maxBytes,
                                                       String maxBytesKey, UriFetcher fetcher) {
        return new MediaEventDecoder<>(Modality.IMAGE, new AvroEventReader<>(deserializer, "ImageEvent", ImageEvent::getId),
                e -> new MediaFields(e.getContent(), e.getUri(), e.getMime(), e.getTimestampMs()), maxBytes, maxBytesKey, fetcher);
    }

    /** @param maxBytes larger clips are dead-lettered; {@code maxBytesKey} is the setting named in the message */
    public static MediaEventDecoder<AudioEvent> audio(Deserializer<AudioEvent> deserializer, int maxBytes,
                                                      String maxBytesKey, UriFetcher fetcher) {
        return new MediaEventDecoder<>(Modality.AUDIO, new AvroEventReader<>(deserializer, "AudioEvent", AudioEvent::getId),
                e -> new MediaFields(e.getContent(), e.getUri(), e.getMime(), e.getTimestampMs()), maxBytes, maxBytesKey, fetcher);
    }

    @Override
    public Decoded decode(String topic, byte[] value) {
        AvroEventReader.Read<E> read = reader.read(topic, value);
        if (read instanceof AvroEventReader.Read.Refused<E> refused) {
            return refused.rejection();
        }
        AvroEventReader.Read.Event<E> ok = (AvroEventReader.Read.Event<E>) read;
        String id = ok.id();
        MediaFields media = fields.apply(ok.event());
        String what = modality.name().toLowerCase(Locale.ROOT) + " event " + id;
        byte[] bytes;
        if (media.content() != null && media.content().hasRemaining()) {
            bytes = bytesOf(media.content());
        } else if (media.uri() != null && !media.uri().isBlank()) {
            UriFetcher.Result fetched = fetcher.fetch(media.uri());
            if (fetched instanceof UriFetcher.Result.Refused refused) {
                return Decoded.Rejected.of(refused.reason(), what + ": " + refused.message());
            }
            bytes = ((UriFetcher.Result.Fetched) fetched).bytes();
        } else {
            return Decoded.Rejected.of(DeadLetterReason.MISSING_CONTENT, what + " has "
                    + (media.content() == null ? "no content" : "empty content (0 bytes)") + " and no uri");
        }
        if (bytes.length > maxBytes) {
            return Decoded.Rejected.of(DeadLetterReason.CONTENT_TOO_LARGE, what + " has " + bytes.length
                    + " bytes; the limit is " + maxBytes + " (" + maxBytesKey + ")");
        }
        return new Decoded.Accepted(id, bytes, media.timestampMs(), media.mime());
    }

    private static byte[] bytesOf(ByteBuffer content) {
        ByteBuffer view = content.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
