package io.d2vstreams.cli.client;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads one topic without joining a consumer group (partitions are assigned, nothing is
 * committed), so tailing never disturbs the pipeline's own groups. Reads with
 * {@code read_committed}: what downstream consumers see, never an aborted transaction's output.
 */
public final class TopicTail {
    /**
     * @param fromBeginning  start at the earliest offset (else only records written from now on)
     * @param maxRecords     stop after this many records; 0 for no limit
     * @param idleTimeout    stop when no record arrived for this long; null to follow until stopped
     */
    public record Options(String topic, boolean fromBeginning, long maxRecords, Duration idleTimeout) {
    }

    private TopicTail() {
    }

    /**
     * Hands each record, as JSON, to {@code lines} until a limit is reached or {@code stopped} says so.
     *
     * @return records read
     * @throws IllegalArgumentException when the topic does not exist
     */
    public static long tail(Map<String, Object> clientProperties, RecordJson json, Options options,
                            Consumer<String> lines, BooleanSupplier stopped) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(options.topic(), Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + options.topic() + " does not exist");
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            if (options.fromBeginning()) {
                consumer.seekToBeginning(assigned);
            } else {
                consumer.seekToEnd(assigned);
            }
            long read = 0;
            long lastRecordAt = System.nanoTime();
            while (!stopped.getAsBoolean()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    lines.accept(json.toJson(record).toString());
                    lastRecordAt = System.nanoTime();
                    if (++read == options.maxRecords()) {
                        return read;
                    }
                }
                if (options.idleTimeout() != null && System.nanoTime() - lastRecordAt > options.idleTimeout().toNanos()) {
                    return read;
                }
            }
            return read;
        }
    }
}
