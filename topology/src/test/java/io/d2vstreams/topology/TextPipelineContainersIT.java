package io.d2vstreams.topology;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The text slice against the real images operators run: {@code apache/kafka} and
 * {@code confluentinc/cp-schema-registry}. Proves our serdes and registry client speak
 * Confluent's protocol, not just our own embedded registry's. Skipped without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@DisplayName("The text pipeline against apache/kafka and confluentinc/cp-schema-registry containers")
class TextPipelineContainersIT {
    private static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0")
            .withNetwork(NETWORK).withNetworkAliases("kafka")
            .withListener("kafka:19092");

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:7.9.0")
            .withNetwork(NETWORK)
            .withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .dependsOn(KAFKA)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)));

    @TempDir
    Path dir;

    @Test
    @DisplayName("embeds text events produced through Confluent's registry and reads them back")
    void embedsThroughConfluentImages() throws Exception {
        String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
        PipelineConfig config = PipelineConfig.from(Map.of(
                PipelineConfig.BOOTSTRAP_SERVERS, KAFKA.getBootstrapServers(),
                PipelineConfig.SCHEMA_REGISTRY_URL, registryUrl,
                PipelineConfig.TOPIC_PARTITIONS, "1",
                PipelineConfig.METRICS_PORT, "0",
                PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
        Topics topics = config.topics();
        try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", registryUrl)));
             SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry);
             SpecificAvroDeserializer<Embedding> deserializer = new SpecificAvroDeserializer<>(registry, Embedding.class);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "containers-it",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            pipeline.awaitRunning(Duration.ofMinutes(2));
            String topic = topics.events(Modality.TEXT);
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, "c" + i,
                        serializer.serialize(topic, TextEvent.newBuilder().setId("c" + i).setText("container text " + i).build())));
            }
            producer.flush();

            consumer.subscribe(List.of(topics.embeddings(Modality.TEXT)));
            Map<String, Embedding> seen = new HashMap<>();
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.put(record.key(), deserializer.deserialize(record.topic(), record.value()));
                }
                return seen.size() >= 20;
            });
            assertThat(seen).as("one embedding per event").hasSize(20);
            assertThat(seen.get("c0").getModelVersion()).isEqualTo(pipeline.activeModel(Modality.TEXT).version());
            assertThat(registry.subjects()).as("the pipeline registered its schemas in Confluent's registry")
                    .contains(topic + "-value", topics.embeddings(Modality.TEXT) + "-value");
        }
    }
}
