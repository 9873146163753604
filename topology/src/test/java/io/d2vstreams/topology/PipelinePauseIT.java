package io.d2vstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Pausing a running pipeline's embedding")
class PipelinePauseIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();

    @TempDir
    Path dir;

    @Test
    @DisplayName("while paused nothing is embedded, not even a partly filled batch past its wait; resumed, every record is, once")
    void pauseThenResume() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "1",
                    PipelineConfig.TEXT_BATCH_MAX_SIZE, "8",
                    PipelineConfig.batchMaxWaitKey(Modality.TEXT), "50",
                    PipelineConfig.SAMPLING_ENABLED, "false",
                    PipelineConfig.METRICS_PORT, "-1",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(),
                         new ByteArraySerializer());
                 KafkaConsumer<String, byte[]> consumer = consumer(stack.bootstrapServers())) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT)));
                String topic = TOPICS.events(Modality.TEXT);

                pipeline.pauseEmbedding();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topic, "p" + i, serializer.serialize(topic,
                            TextEvent.newBuilder().setId("p" + i).setText("paused sentence " + i).build())));
                }
                producer.flush();
                Map<String, Integer> seen = new HashMap<>();
                long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                while (System.nanoTime() < until) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.merge(r.key(), 1, Integer::sum));
                }
                assertThat(seen).as("embeddings while paused (20 records, batch 8, wait 50 ms)").isEmpty();

                pipeline.resumeEmbedding();
                await("every record embedded after resuming").atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.merge(r.key(), 1, Integer::sum));
                    return seen.size() >= 20;
                });
                assertThat(seen).as("one embedding per record").hasSize(20).allSatisfy((id, n) -> assertThat(n).isOne());
            }
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "pause-it-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
    }
}
