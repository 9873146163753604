package io.d2vstreams.topology;

import io.d2vstreams.schemas.RegistryUnavailableException;
import io.d2vstreams.topology.internal.BatchFailedException;
import io.d2vstreams.topology.internal.DeadLetters;
import io.d2vstreams.topology.internal.SourceRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kafka Streams' processing exception handler for the embedding topology (KIP-1033/KIP-1034):
 * the last line of "a bad record never stops the pipeline". Anticipated bad input never gets
 * here (the micro-batch processor routes it to {@code d2v.dlq} with its own reason); what does
 * is an exception nothing foresaw while processing one input record. That record goes to
 * {@code d2v.dlq} as {@link DeadLetterReason#PROCESSING_FAILED}, with the original bytes and the
 * usual headers, and the task resumes with the next record, in the same transaction.
 *
 * <p>It fails the task instead (the thread is replaced and the records are retried from the
 * last commit) for what is not the record's fault: an unreachable registry, a micro-batch that
 * failed as a whole ({@link BatchFailedException}, also when the record being processed is the
 * one that filled it), and failures with no source record, such as a punctuation that encodes a
 * buffered batch. Those records stay buffered and are retried rather than dead-lettered.
 */
public final class DeadLetterProcessingExceptionHandler implements ProcessingExceptionHandler {
    /** The streams property naming the dead-letter topic (set by {@link EmbeddingPipeline}). */
    public static final String DEAD_LETTER_TOPIC_CONFIG = "d2v.dead.letter.topic";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DEAD_LETTER_TOPIC_CONFIG);
        this.deadLetterTopic = topic != null ? topic.toString() : Topics.withDefaultPrefix().deadLetters();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isInfrastructure(exception) || context.sourceRawValue() == null) {
            log.error("event=processing_failed action=fail_task processor={} topic={} partition={} offset={} error=\"{}\"",
                    context.processorNodeId(), context.topic(), context.partition(), context.offset(), exception.toString(),
                    exception);
            return Response.fail();
        }
        SourceRecord source = new SourceRecord(context.sourceRawKey(), context.sourceRawValue(),
                List.copyOf(Arrays.asList(context.headers().toArray())), context.topic(), context.partition(),
                context.offset(), context.timestamp());
        log.warn("event=dead_letter reason={} processor={} topic={} partition={} offset={} error=\"{}\"",
                DeadLetterReason.PROCESSING_FAILED, context.processorNodeId(), context.topic(), context.partition(),
                context.offset(), exception.toString(), exception);
        return Response.resume(List.of(DeadLetters.producerRecord(Objects.requireNonNull(deadLetterTopic, "configure() first"),
                source, DeadLetterReason.PROCESSING_FAILED, exception.getClass().getSimpleName(),
                String.valueOf(exception.getMessage()), System.currentTimeMillis())));
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
