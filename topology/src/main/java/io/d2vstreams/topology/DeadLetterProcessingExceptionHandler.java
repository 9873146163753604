package io.d2vstreams.topology;

import io.d2vstreams.schemas.RegistryUnavailableException;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.internal.BatchFailedException;
import io.d2vstreams.topology.internal.DeadLetters;
import io.d2vstreams.topology.internal.SourceRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Kafka Streams' processing exception handler for the embedding topology (KIP-1033/KIP-1034):
 * it writes the dead letter of every input record that fails while it is being processed, to the
 * topic named by Kafka Streams' own {@code errors.dead.letter.queue.topic.name}, with the original
 * key, value and headers plus d2v's reason headers, and the task resumes with the next record.
 * Kafka Streams sends the dead letter through the task's record collector, so under exactly-once
 * it commits in the same transaction as the record's offset: one dead letter per bad record.
 * <ul>
 *   <li>{@link RejectedRecordException}: bad input the processor recognised (not wire format,
 *       unknown schema id, empty text, a refused URI ...), dead-lettered with its own reason;</li>
 *   <li>any other exception while processing one record: nothing foresaw it, so the record is
 *       dead-lettered as {@link DeadLetterReason#PROCESSING_FAILED} rather than stop the pipeline.</li>
 * </ul>
 *
 * <p>Refusals decided when a buffered batch is encoded (the encoder refuses one image among
 * thirty-two) are not this handler's: the record being processed then is the one that filled the
 * batch, or none at all in a punctuation, so the handler's context would name the wrong record.
 * The micro-batch processor writes those dead letters itself, from the source bytes it buffered.
 *
 * <p>It fails the task instead (the thread is replaced and the records are retried from the
 * last commit) for what is not the record's fault: an unreachable registry, a micro-batch that
 * failed as a whole ({@link BatchFailedException}, also when the record being processed is the
 * one that filled it), and failures with no source record, such as a punctuation that encodes a
 * buffered batch (its context names no topic and offset -1; a tombstone's context does name its
 * record, and is dead-lettered). Those records stay buffered and are retried rather than dead-lettered.
 */
public final class DeadLetterProcessingExceptionHandler implements ProcessingExceptionHandler {
    /** The streams property naming the dead-letter topic: Kafka Streams' own (KIP-1034). */
    public static final String DEAD_LETTER_TOPIC_CONFIG = StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG;

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

    /**
     * d2v's own streams property: the largest dead letter the topic accepts (its {@code max.message.bytes});
     * a larger letter leaves out the original value and headers ({@link DeadLetterHeaders#DROPPED}).
     */
    public static final String DEAD_LETTER_MAX_BYTES_CONFIG = "d2v.dead.letter.max.bytes";

    /**
     * d2v's own streams property: a {@link DeadLetterCount} told of every dead letter this handler
     * writes for an unforeseen failure (the processor counts the refusals it raises itself), so that
     * {@code d2v_records_dead_lettered_total} holds every dead letter.
     */
    public static final String DEAD_LETTER_COUNT_CONFIG = "d2v.dead.letter.count";

    /** Counts the dead letters of records from one topic. */
    @FunctionalInterface
    public interface DeadLetterCount {
        void deadLettered(String sourceTopic, DeadLetterReason reason);
    }

    private String deadLetterTopic;
    private int maxLetterBytes;
    private DeadLetterCount count = (topic, reason) -> { };

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DEAD_LETTER_TOPIC_CONFIG);
        this.deadLetterTopic = topic != null ? topic.toString() : Topics.withDefaultPrefix().deadLetters();
        Object maxBytes = configs.get(DEAD_LETTER_MAX_BYTES_CONFIG);
        this.maxLetterBytes = maxBytes != null ? Integer.parseInt(maxBytes.toString())
                : RecordLimits.BROKER_DEFAULT_MAX_MESSAGE_BYTES;
        if (configs.get(DEAD_LETTER_COUNT_CONFIG) instanceof DeadLetterCount configured) {
            this.count = configured;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isInfrastructure(exception) || !hasSourceRecord(context)) {
            log.error("event=processing_failed action=fail_task processor={} topic={} partition={} offset={} error=\"{}\"",
                    context.processorNodeId(), context.topic(), context.partition(), context.offset(), exception.toString(),
                    exception);
            return Response.fail();
        }
        SourceRecord source = new SourceRecord(context.sourceRawKey(), context.sourceRawValue(),
                List.copyOf(Arrays.asList(context.headers().toArray())), context.topic(), context.partition(),
                context.offset(), context.timestamp());
        String topic = Objects.requireNonNull(deadLetterTopic, "configure() first");
        if (exception instanceof RejectedRecordException rejected) {
            log.info("event=dead_letter reason={} topic={} partition={} offset={} message=\"{}\"", rejected.reason(),
                    context.topic(), context.partition(), context.offset(), DeadLetters.bounded(rejected.getMessage()));
            return Response.resume(List.of(DeadLetters.producerRecord(topic, source, rejected.reason(),
                    rejected.errorClass(), rejected.getMessage(), System.currentTimeMillis(), maxLetterBytes)));
        }
        // The stack trace goes to DEBUG: its message may quote the record at any length.
        log.warn("event=dead_letter reason={} processor={} topic={} partition={} offset={} error=\"{}\"",
                DeadLetterReason.PROCESSING_FAILED, context.processorNodeId(), context.topic(), context.partition(),
                context.offset(), DeadLetters.bounded(exception.toString()));
        log.debug("event=dead_letter_trace topic={} partition={} offset={}", context.topic(), context.partition(),
                context.offset(), exception);
        count.deadLettered(context.topic(), DeadLetterReason.PROCESSING_FAILED);
        return Response.resume(List.of(DeadLetters.producerRecord(topic, source, DeadLetterReason.PROCESSING_FAILED,
                exception.getClass().getSimpleName(), String.valueOf(exception.getMessage()), System.currentTimeMillis(),
                maxLetterBytes)));
    }

    /**
     * The streams properties that put this handler in charge of the embedding app's per-record
     * dead letters, written to {@code deadLetterTopic}. Every embedding app needs them: without
     * the handler a refused record would fail its task instead of reaching the dead-letter topic.
     */
    public static Properties streamsProperties(String deadLetterTopic) {
        return streamsProperties(deadLetterTopic, RecordLimits.BROKER_DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** The same, for a dead-letter topic that accepts records of up to {@code maxLetterBytes}. */
    public static Properties streamsProperties(String deadLetterTopic, int maxLetterBytes) {
        Properties props = new Properties();
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        props.put(DEAD_LETTER_TOPIC_CONFIG, deadLetterTopic);
        props.put(DEAD_LETTER_MAX_BYTES_CONFIG, Integer.toString(maxLetterBytes));
        return props;
    }

    /**
     * Whether the failure belongs to an input record. A punctuation has none: Kafka Streams gives it
     * a record context with no topic and offset -1. The raw value cannot tell, since a tombstone's
     * raw value is null too, and failing the task for a tombstone would fail it again after every
     * restart, on the same record.
     */
    private static boolean hasSourceRecord(ErrorHandlerContext context) {
        return context.topic() != null && context.offset() >= 0;
    }

    /** Broken infrastructure or a whole batch, not this record's data: retried, never dead-lettered. */
    private static boolean isInfrastructure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnavailableException || t instanceof BatchFailedException) {
                return true;
            }
        }
        return false;
    }
}
