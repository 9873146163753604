package io.d2vstreams.topology.internal;

import io.d2vstreams.topology.DeadLetterHeaders;
import io.d2vstreams.topology.DeadLetterReason;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * Builds {@code d2v.dlq} records: the original key, value and headers plus the reason headers.
 * Two bounds keep a dead letter writable, since one the topic refused would fail the task on the
 * same record after every restart: the error message is cut to {@link #MAX_MESSAGE_CHARS}, and a
 * letter larger than the dead-letter topic accepts keeps its key and the reason headers but drops
 * the original value and headers, saying so in {@link DeadLetterHeaders#DROPPED}.
 */
public final class DeadLetters {
    /** The longest error message a dead letter (and its log line) carries. */
    public static final int MAX_MESSAGE_CHARS = 1000;

    private DeadLetters() {
    }

    public static Record<byte[], byte[]> of(SourceRecord source, DeadLetterReason reason, String errorClass,
                                            String message, long nowMs, int maxLetterBytes) {
        Letter letter = letter(source, reason, errorClass, message, nowMs, maxLetterBytes);
        return new Record<>(source.key(), letter.value(), source.timestamp(), letter.headers());
    }

    /** The same dead letter as a producer record for {@code topic}, for Kafka Streams' exception handlers. */
    public static ProducerRecord<byte[], byte[]> producerRecord(String topic, SourceRecord source, DeadLetterReason reason,
                                                                String errorClass, String message, long nowMs,
                                                                int maxLetterBytes) {
        Letter letter = letter(source, reason, errorClass, message, nowMs, maxLetterBytes);
        return new ProducerRecord<>(topic, null, source.timestamp(), source.key(), letter.value(), letter.headers());
    }

    /** {@code message} cut to {@link #MAX_MESSAGE_CHARS}, saying how much was cut. */
    public static String bounded(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_CHARS) + "... (" + (message.length() - MAX_MESSAGE_CHARS)
                + " more characters)";
    }

    private record Letter(byte[] value, Headers headers) {
    }

    private static Letter letter(SourceRecord source, DeadLetterReason reason, String errorClass, String message,
                                 long nowMs, int maxLetterBytes) {
        Headers reasons = reasonHeaders(source, reason, errorClass, bounded(message), nowMs);
        long letterBytes = length(source.key()) + length(source.value()) + sizeOf(source.headers()) + sizeOf(reasons);
        if (letterBytes <= maxLetterBytes) {
            Headers headers = new RecordHeaders();
            source.headers().forEach(headers::add);
            reasons.forEach(headers::add);
            return new Letter(source.value(), headers);
        }
        add(reasons, DeadLetterHeaders.DROPPED, "the original value (" + length(source.value()) + " bytes) and "
                + source.headers().size() + " headers: with them the dead letter is about " + letterBytes
                + " bytes, and the dead-letter topic accepts " + maxLetterBytes);
        return new Letter(null, reasons);
    }

    private static Headers reasonHeaders(SourceRecord source, DeadLetterReason reason, String errorClass, String message,
                                         long nowMs) {
        Headers headers = new RecordHeaders();
        add(headers, DeadLetterHeaders.STAGE, reason.stage());
        add(headers, DeadLetterHeaders.REASON, reason.name());
        add(headers, DeadLetterHeaders.ERROR_CLASS, errorClass);
        add(headers, DeadLetterHeaders.ERROR_MESSAGE, message);
        add(headers, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
        add(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
        add(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        add(headers, DeadLetterHeaders.TIME, Long.toString(nowMs));
        return headers;
    }

    /** An upper bound of the headers' bytes in a record: keys at most 3 UTF-8 bytes a UTF-16 unit, two length prefixes. */
    private static long sizeOf(Iterable<Header> headers) {
        long bytes = 0;
        for (Header header : headers) {
            bytes += 3L * header.key().length() + length(header.value()) + 8;
        }
        return bytes;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }
}
