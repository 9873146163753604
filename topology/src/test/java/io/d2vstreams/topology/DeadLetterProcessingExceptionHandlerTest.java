package io.d2vstreams.topology;

import io.d2vstreams.schemas.RegistryUnavailableException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The processing exception handler of the embedding app")
class DeadLetterProcessingExceptionHandlerTest {
    private final DeadLetterProcessingExceptionHandler handler = new DeadLetterProcessingExceptionHandler();

    DeadLetterProcessingExceptionHandlerTest() {
        handler.configure(Map.of(DeadLetterProcessingExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, "acme.dlq"));
    }

    /** What Kafka Streams tells a handler about the record being processed (topic null and offset -1 in a punctuation). */
    private record Context(String topic, long offset, byte[] sourceRawKey, byte[] sourceRawValue, Headers headers)
            implements ErrorHandlerContext {
        Context(byte[] sourceRawKey, byte[] sourceRawValue, Headers headers) {
            this("acme.events.text", 41, sourceRawKey, sourceRawValue, headers);
        }

        static Context punctuation() {
            return new Context(null, -1, null, null, new RecordHeaders());
        }

        @Override public int partition() { return 2; }
        @Override public String processorNodeId() { return "embed-text"; }
        @Override public TaskId taskId() { return new TaskId(0, 2); }
        @Override public long timestamp() { return 1_000L; }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("dead-letters the record that threw, to the configured topic, with its bytes and reason, and resumes")
    void deadLettersTheRecord() {
        Headers original = new RecordHeaders().add("trace", utf8("t-1"));
        Response response = handler.handleError(new Context(utf8("k"), utf8("v"), original), null,
                new IllegalStateException("unforeseen"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertThat(letter.topic()).isEqualTo("acme.dlq");
        assertThat(letter.key()).isEqualTo(utf8("k"));
        assertThat(letter.value()).isEqualTo(utf8("v"));
        assertThat(new String(letter.headers().lastHeader("trace").value(), StandardCharsets.UTF_8)).as("original header kept")
                .isEqualTo("t-1");
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("PROCESSING_FAILED");
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value(), StandardCharsets.UTF_8))
                .isEqualTo("unforeseen");
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.SOURCE_PARTITION).value(), StandardCharsets.UTF_8))
                .isEqualTo("2");
    }

    @Test
    @DisplayName("counts the dead letters it writes for unforeseen failures, not the refusals the processor counted")
    void countsUnforeseenFailures() {
        java.util.List<String> counted = new java.util.ArrayList<>();
        DeadLetterProcessingExceptionHandler counting = new DeadLetterProcessingExceptionHandler();
        counting.configure(Map.of(DeadLetterProcessingExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, "acme.dlq",
                DeadLetterProcessingExceptionHandler.DEAD_LETTER_COUNT_CONFIG,
                (DeadLetterProcessingExceptionHandler.DeadLetterCount) (topic, reason) -> counted.add(topic + "/" + reason)));

        counting.handleError(new Context(utf8("k"), utf8("v"), new RecordHeaders()), null, new IllegalStateException("unforeseen"));
        counting.handleError(new Context(utf8("k"), utf8("v"), new RecordHeaders()), null,
                new RejectedRecordException(DeadLetterReason.TEXT_TOO_LONG, "TEXT_TOO_LONG", "too long"));
        counting.handleError(Context.punctuation(), null, new IllegalStateException("a batch failed"));

        assertThat(counted).containsExactly("acme.events.text/PROCESSING_FAILED");
    }

    @Test
    @DisplayName("a refused record is dead-lettered with the reason and error class the processor gave")
    void deadLettersARefusalWithItsReason() {
        Response response = handler.handleError(new Context(utf8("k"), utf8("v"), new RecordHeaders()), null,
                new RejectedRecordException(DeadLetterReason.TEXT_TOO_LONG, "TEXT_TOO_LONG", "text is 9 characters; the limit is 8"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("TEXT_TOO_LONG");
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.STAGE).value(), StandardCharsets.UTF_8))
                .isEqualTo(DeadLetterReason.TEXT_TOO_LONG.stage());
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.ERROR_CLASS).value(), StandardCharsets.UTF_8))
                .isEqualTo("TEXT_TOO_LONG");
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.ERROR_MESSAGE).value(), StandardCharsets.UTF_8))
                .isEqualTo("text is 9 characters; the limit is 8");
    }

    @Test
    @DisplayName("a registry outage fails the task (retried from the last commit), never a dead letter")
    void registryOutageFails() {
        Response response = handler.handleError(new Context(utf8("k"), utf8("v"), new RecordHeaders()), null,
                new IllegalStateException("wrapped", new RegistryUnavailableException("registry down", new IOException("refused"))));

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    @DisplayName("a failure with no source record (a punctuation encoding a buffered batch) fails the task")
    void punctuationFails() {
        Response response = handler.handleError(Context.punctuation(), null, new IllegalStateException("encoder broke"));

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    @DisplayName("a tombstone (null key and value) that fails is dead-lettered, not a task failure that would repeat on restart")
    void tombstoneIsDeadLettered() {
        Response response = handler.handleError(new Context(null, null, new RecordHeaders()), null,
                new RejectedRecordException(DeadLetterReason.TOMBSTONE, "TOMBSTONE", "value is null (a tombstone)"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertThat(letter.key()).isNull();
        assertThat(letter.value()).isNull();
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("TOMBSTONE");
        assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.SOURCE_OFFSET).value(), StandardCharsets.UTF_8))
                .isEqualTo("41");
    }
}
