package io.d2vstreams.devstack.internal.registry;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registry's log on a Kafka topic: one partition (a total order of writes), compacted (only the latest
 * state of each subject version and setting is kept), written by an idempotent producer with
 * {@code acks=all} and read back from the start when the registry starts.
 */
public final class KafkaSchemaLog implements SchemaLog {

    private static final int PARTITION = 0;

    private final String topic;
    private final String bootstrapServers;
    private final Duration timeout;
    private final LogCodec codec = new LogCodec();
    private final KafkaProducer<byte[], byte[]> producer;

    private KafkaSchemaLog(String bootstrapServers, String topic, Duration timeout, KafkaProducer<byte[], byte[]> producer) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.timeout = timeout;
        this.producer = producer;
    }

    /** Creates the topic if it does not exist yet and opens the producer. */
    public static KafkaSchemaLog open(String bootstrapServers, String topic, short replicationFactor, Duration timeout) {
        createTopicIfAbsent(bootstrapServers, topic, replicationFactor, timeout);
        Map<String, Object> config = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 0,
            // Bounds send() when the cluster is unreachable; append() bounds the wait for the ack.
            ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis(),
            ProducerConfig.CLIENT_ID_CONFIG, "d2v-schema-registry");
        return new KafkaSchemaLog(bootstrapServers, topic, timeout,
            new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Override
    public List<LogEntry> readAll() {
        Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.CLIENT_ID_CONFIG, "d2v-schema-registry-replay");
        TopicPartition partition = new TopicPartition(topic, PARTITION);
        List<LogEntry> entries = new ArrayList<>();
        // No group: the registry reads the whole log each start and keeps no consumer offset.
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read topic " + topic + " to its end offset " + end + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    entries.add(codec.decode(record.key(), record.value()));
                }
            }
        }
        return entries;
    }

    /**
     * Waits at most the timeout for the acknowledgement. A write that timed out may still land later (the
     * producer keeps retrying); it then shows up after the next restart, as with any Kafka-backed registry.
     */
    @Override
    public void append(LogEntry entry) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, PARTITION, codec.key(entry), codec.value(entry));
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.store("writing to " + topic, e);
        } catch (ExecutionException e) {
            throw RegistryException.store("writing to " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw RegistryException.store("writing to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }

    private static void createTopicIfAbsent(String bootstrapServers, String topic, short replicationFactor, Duration timeout) {
        NewTopic newTopic = new NewTopic(topic, 1, replicationFactor)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(Set.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the registry topic " + topic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the registry topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating the registry topic " + topic, e);
        }
    }
}
