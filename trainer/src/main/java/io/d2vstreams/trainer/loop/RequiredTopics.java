package io.d2vstreams.trainer.loop;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the samples topic and {@code d2v.models}: the pipeline (or the operator) creates them,
 * {@code d2v.models} compacted with one partition, which a producer's auto-creation would get wrong.
 */
final class RequiredTopics {

    private static final Logger LOG = LoggerFactory.getLogger(RequiredTopics.class);
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);

    private RequiredTopics() {}

    /** @return true once both exist, false when the loop was stopped while waiting */
    static boolean await(KafkaConsumer<?, ?> kafka, Topics topics, Duration clientTimeout, Modality kind,
            BooleanSupplier running) {
        boolean logged = false;
        while (running.getAsBoolean()) {
            Map<String, ?> existing;
            try {
                existing = kafka.listTopics(clientTimeout);
            } catch (WakeupException e) {
                return false; // stopped while waiting
            }
            if (existing.containsKey(topics.trainingSamples()) && existing.containsKey(topics.models())) {
                return true;
            }
            if (!logged) {
                LOG.info("event=trainer_waiting_for_topics modality={} topics={},{} reason=\"created by the pipeline or the"
                        + " operator\"", kind, topics.trainingSamples(), topics.models());
                logged = true;
            }
            try {
                Thread.sleep(TOPIC_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
