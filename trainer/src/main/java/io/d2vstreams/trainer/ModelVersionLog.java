package io.d2vstreams.trainer;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.ServingVersions;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.WireModality;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code d2v.models} from the beginning, without a consumer group (every reader needs the
 * whole log), and answers which version of a modality serves now and which served before. Call
 * {@link #catchUp} to read what was announced since; not thread-safe.
 */
public final class ModelVersionLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelVersionLog.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final SpecificAvroDeserializer<ModelVersion> deserializer;
    private final ServingVersions fold = new ServingVersions();
    private final Map<io.d2vstreams.avro.Modality, ModelVersion> lastDecision = new EnumMap<>(io.d2vstreams.avro.Modality.class);
    private List<TopicPartition> partitions = List.of();

    public ModelVersionLog(Map<String, Object> clientProperties, SchemaRegistryClient registry, String topic) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.deserializer = new SpecificAvroDeserializer<>(registry, ModelVersion.class);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Reads the log up to its current end.
     *
     * @throws IllegalStateException when the end is not reached within {@code timeout}
     */
    public ModelVersionLog catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (partitions.isEmpty()) {
            partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                return this; // no topic yet: nothing was ever announced
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                apply(record);
            }
        }
        return this;
    }

    /** The serving version of a modality: its most recent ACTIVE announcement. */
    public Optional<ModelVersion> active(Modality modality) {
        return fold.active(avro(modality));
    }

    /** The ACTIVE version before the serving one, what a rollback returns to. */
    public Optional<ModelVersion> previousActive(Modality modality) {
        return fold.previousActive(avro(modality));
    }

    /**
     * The quality gate's latest verdict on a modality's candidate, as read from the log: the last
     * ACTIVE or REJECTED announcement that carries measurements (an operator's promote carries
     * none). Compaction keeps only the latest state of each version, so a verdict whose version
     * was later retired by a rollback is no longer there, and an earlier one is returned.
     */
    public Optional<ModelVersion> lastDecision(Modality modality) {
        return Optional.ofNullable(lastDecision.get(avro(modality)));
    }

    /** The latest announcement of one version. */
    public Optional<ModelVersion> state(Modality modality, int version) {
        return fold.state(avro(modality), version);
    }

    @Override
    public void close() {
        try {
            consumer.close();
        } finally {
            deserializer.close();
        }
    }

    static io.d2vstreams.avro.Modality avro(Modality modality) {
        return WireModality.of(modality);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            fold.apply(record.key(), null);
            return;
        }
        try {
            ModelVersion announced = deserializer.deserialize(record.topic(), record.value());
            fold.apply(record.key(), announced);
            if ((announced.getStatus() == ModelStatus.ACTIVE || announced.getStatus() == ModelStatus.REJECTED)
                    && !announced.getMetrics().isEmpty()) {
                lastDecision.put(announced.getModality(), announced);
            }
        } catch (io.d2vstreams.schemas.RecordDecodeException e) {
            LOG.warn("event=model_announcement_skipped topic={} partition={} offset={} reason=\"{}\"", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }
}
