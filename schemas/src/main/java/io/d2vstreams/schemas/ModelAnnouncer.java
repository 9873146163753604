package io.d2vstreams.schemas;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes {@link ModelVersion} announcements to {@code d2v.models}, one at a time and
 * synchronously: an announcement is a rare, decisive event, so the caller learns at once
 * whether the cluster has it.
 */
public final class ModelAnnouncer implements AutoCloseable {
    private final String topic;
    private final KafkaProducer<String, ModelVersion> producer;

    /**
     * @param clientProperties Kafka client settings (bootstrap servers, security); acks=all
     *                         and idempotence are set here
     */
    public ModelAnnouncer(Map<String, Object> clientProperties, SchemaRegistryClient registry, String topic) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new SpecificAvroSerializer<>(registry));
    }

    /**
     * Sends and waits until the broker acknowledged it.
     *
     * @throws IllegalArgumentException for an ACTIVE announcement without a digest, which every
     *     pipeline refuses: refused here, where the mistake is made, instead of on every reader
     */
    public void announce(ModelVersion announcement) {
        String digest = announcement.getSha256();
        if (announcement.getStatus() == ModelStatus.ACTIVE && (digest == null || digest.isBlank())) {
            throw new IllegalArgumentException("refusing to announce " + ModelVersionKeys.keyOf(announcement)
                    + " ACTIVE without a digest (sha256 is empty); expected the version's digest, the SHA-256 of its "
                    + "sorted file checksums");
        }
        try {
            producer.send(new ProducerRecord<>(topic, ModelVersionKeys.keyOf(announcement), announcement))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while announcing " + ModelVersionKeys.keyOf(announcement), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot announce " + ModelVersionKeys.keyOf(announcement) + " on " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
