package io.d2vstreams.cli;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code d2v up --only broker,registry}: the embedded cluster alone, in its own process, with a
 * pipeline running apart from it. The cluster is killed with {@code kill -9} mid-stream and started
 * again on the same data directory and ports; the pipeline lives through the outage, and every event
 * produced before and after has exactly one embedding.
 */
@DisplayName("d2v up --only broker,registry")
class UpClusterOnlyIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String TOPIC = TOPICS.events(Modality.TEXT);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroy();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    @DisplayName("runs the cluster alone; a pipeline apart from it lives through its kill -9 and restart, exactly once")
    void clusterRestartsUnderARunningPipeline() throws Exception {
        int kafkaPort = freePort();
        int registryPort = freePort();
        String bootstrap = "localhost:" + kafkaPort;
        String registryUrl = "http://localhost:" + registryPort;
        Process cluster = startCluster(kafkaPort, registryPort);

        PipelineConfig config = PipelineConfig.from(Map.of(
                PipelineConfig.BOOTSTRAP_SERVERS, bootstrap,
                PipelineConfig.SCHEMA_REGISTRY_URL, registryUrl,
                PipelineConfig.METRICS_PORT, "-1",
                PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
        try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", registryUrl)));
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "cluster-only-reader",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            pipeline.awaitRunning(Duration.ofMinutes(2));
            SpecificAvroDeserializer<Embedding> embeddings = new SpecificAvroDeserializer<>(registry, Embedding.class);
            consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT)));
            Map<String, Integer> counts = new HashMap<>();
            produce(bootstrap, registry, 0, 200);
            await("embeddings before the kill").atMost(Duration.ofMinutes(2)).until(() -> drain(consumer, embeddings, counts) > 0);

            cluster.destroyForcibly();
            assertThat(cluster.waitFor(30, TimeUnit.SECONDS)).as("kill -9 of the cluster took effect").isTrue();
            startCluster(kafkaPort, registryPort);
            produce(bootstrap, registry, 200, 400);

            await("every event embedded").atMost(Duration.ofMinutes(3)).until(() -> drain(consumer, embeddings, counts) >= 400);
            long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < quietUntil) {
                drain(consumer, embeddings, counts);
            }
            assertThat(counts).as("one entry per event id").hasSize(400);
            assertThat(counts.entrySet()).filteredOn(e -> e.getValue() != 1).as("ids embedded other than once").isEmpty();
            assertThat(pipeline.state().isRunningOrRebalancing()).as("the pipeline lived through the outage").isTrue();
        }
    }

    private static int drain(KafkaConsumer<String, byte[]> consumer, SpecificAvroDeserializer<Embedding> deserializer,
                             Map<String, Integer> counts) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            counts.merge(deserializer.deserialize(record.topic(), record.value()).getId(), 1, Integer::sum);
        }
        return counts.size();
    }

    /** Starts {@code d2v up --only broker,registry} and returns once it logs {@code event=cluster_ready}. */
    private Process startCluster(int kafkaPort, int registryPort) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("cluster-" + children.size() + ".log");
        Process process = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                D2v.class.getName(), "up", "--only", "broker,registry", "--data-dir", dir.resolve("data").toString(),
                "--kafka-port", Integer.toString(kafkaPort), "--registry-port", Integer.toString(registryPort))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(process);
        await("the cluster is ready (log: " + log + ")").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> !process.isAlive() || Files.readString(log).contains("event=cluster_ready"));
        assertThat(process.isAlive()).as("d2v up --only broker,registry runs; its output:%n%s", Files.readString(log)).isTrue();
        assertThat(Files.readString(log)).as("neither pipeline nor trainer in the cluster process")
                .doesNotContain("event=pipeline_starting").doesNotContain("event=trainer_worker_starting");
        return process;
    }

    private static void produce(String bootstrap, SchemaRegistryClient registry, int from, int to) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "c" + i, serializer.serialize(TOPIC,
                        TextEvent.newBuilder().setId("c" + i).setText("a sentence about clusters, number " + i).build())));
            }
            producer.flush();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
