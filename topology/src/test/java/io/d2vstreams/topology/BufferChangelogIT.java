package io.d2vstreams.topology;

import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The batch buffer's changelog carries only what a commit finds buffered: with the cached store,
 * records whose batch is encoded before the next commit never reach it. Without the cache every
 * record was written to it and deleted from it, two changelog records per input.
 */
@DisplayName("The batch buffer's changelog")
class BufferChangelogIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final int RECORDS = 600;

    @TempDir
    Path dir;

    @Test
    @DisplayName("receives fewer records than the inputs (not two per input), when batches fill between commits")
    void logsOnlyWhatACommitFindsBuffered() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "1",
                    PipelineConfig.METRICS_PORT, "-1",
                    PipelineConfig.SAMPLING_ENABLED, "false",
                    PipelineConfig.TEXT_BATCH_MAX_SIZE, "30",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                         new StringSerializer(), new ByteArraySerializer())) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry);
                String topic = TOPICS.events(Modality.TEXT);
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(topic, "t-" + i, serializer.serialize(topic,
                            TextEvent.newBuilder().setId("t-" + i).setText("a sentence, number " + i).build())));
                }
                producer.flush();
                String embeddings = TOPICS.embeddings(Modality.TEXT);
                await("all embedded").atMost(Duration.ofMinutes(2))
                        .until(() -> committedRecords(stack, embeddings) >= RECORDS);

                String changelog = config.applicationId() + "-" + EmbeddingTopology.bufferStoreName(Modality.TEXT)
                        + "-changelog";
                long logged = committedRecords(stack, changelog);
                org.slf4j.LoggerFactory.getLogger(BufferChangelogIT.class).info(
                        "event=changelog_measured inputs={} changelog_records={}", RECORDS, logged);
                assertThat(logged).as("changelog records for %d inputs (every input twice without the cache: %d)",
                        RECORDS, 2 * RECORDS).isLessThan(RECORDS);
            }
        }
    }

    /** Committed records in a one-partition topic, read from the start with read_committed. */
    private static long committedRecords(DevStack stack, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long count = 0;
            while (consumer.position(partition) < end) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }
}
