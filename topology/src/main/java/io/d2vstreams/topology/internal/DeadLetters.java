package io.d2vstreams.topology.internal;

import io.d2vstreams.topology.DeadLetterHeaders;
import io.d2vstreams.topology.DeadLetterReason;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/** Builds {@code d2v.dlq} records: the original key, value and headers plus the reason headers. */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static Record<byte[], byte[]> of(SourceRecord source, DeadLetterReason reason, String errorClass,
                                            String message, long nowMs) {
        return new Record<>(source.key(), source.value(), source.timestamp(),
                headers(source, reason, errorClass, message, nowMs));
    }

    /** The same dead letter as a producer record for {@code topic}, for Kafka Streams' exception handlers. */
    public static ProducerRecord<byte[], byte[]> producerRecord(String topic, SourceRecord source, DeadLetterReason reason,
                                                                String errorClass, String message, long nowMs) {
        return new ProducerRecord<>(topic, null, source.timestamp(), source.key(), source.value(),
                headers(source, reason, errorClass, message, nowMs));
    }

    private static Headers headers(SourceRecord source, DeadLetterReason reason, String errorClass, String message,
                                   long nowMs) {
        Headers headers = new RecordHeaders();
        for (Header header : source.headers()) {
            headers.add(header);
        }
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

    private static void add(Headers headers, String name, String value) {
        headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }
}
