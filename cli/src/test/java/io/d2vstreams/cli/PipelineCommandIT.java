package io.d2vstreams.cli;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code d2v pipeline --config FILE} as an operator runs it: a child JVM against an external
 * cluster and registry (here the in-process dev stack), settings from the file with a
 * {@code D2V_*} variable on top, stopped with SIGTERM.
 */
@DisplayName("d2v pipeline --config against an external cluster")
class PipelineCommandIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String EVENTS = TOPICS.events(Modality.TEXT);
    private static final int EVENTS_SENT = 40;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private Process child;

    @AfterEach
    void stopChild() {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
    }

    @Test
    @DisplayName("embeds with settings from the file and the environment, and stops cleanly on SIGTERM")
    void embedsAndStopsOnSigterm() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build())) {
            int metricsPort = freePort();
            Path config = dir.resolve("pipeline.properties");
            Files.writeString(config, String.join("\n",
                    PipelineConfig.BOOTSTRAP_SERVERS + "=" + stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL + "=" + stack.registryUrl(),
                    PipelineConfig.APPLICATION_ID + "=from-the-file",
                    PipelineConfig.TOPIC_PARTITIONS + "=1",
                    PipelineConfig.METRICS_PORT + "=" + metricsPort,
                    PipelineConfig.MODEL_STORE_DIR + "=" + dir.resolve("models")));
            Path log = dir.resolve("pipeline.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-cp", System.getProperty("java.class.path"), D2v.class.getName(),
                    "pipeline", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("D2V_APPLICATION_ID", "from-the-environment");
            child = builder.start();
            await("d2v pipeline is serving (log: " + log + ")").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !child.isAlive() || Files.readString(log).contains("d2v pipeline: "));
            assertThat(child.isAlive()).as("d2v pipeline runs; its output:%n%s", Files.readString(log)).isTrue();
            assertThat(Files.readString(log)).as("the environment overrides the file")
                    .contains("application from-the-environment");

            try (SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                    Map.of("schema.registry.url", stack.registryUrl())))) {
                produce(stack.bootstrapServers(), registry);
                Map<String, Integer> embedded = new HashMap<>();
                SpecificAvroDeserializer<Embedding> deserializer = new SpecificAvroDeserializer<>(registry, Embedding.class);
                try (KafkaConsumer<String, byte[]> consumer = consumer(stack.bootstrapServers())) {
                    consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT)));
                    await("every event embedded").atMost(Duration.ofMinutes(2)).until(() -> {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            embedded.merge(deserializer.deserialize(record.topic(), record.value()).getId(), 1, Integer::sum);
                        }
                        return embedded.size() >= EVENTS_SENT;
                    });
                }
                assertThat(embedded).as("one embedding per event").hasSize(EVENTS_SENT).allSatisfy((id, n) -> assertThat(n).isOne());
            }

            HttpClient http = HttpClient.newHttpClient();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            JsonNode dashboard = new ObjectMapper().readTree(
                    DeploymentFilesTest.ROOT.resolve("deploy/grafana/dashboards/d2v-pipeline.json").toFile());
            assertThat(DeploymentFilesTest.DashboardQueries.seriesNames(dashboard))
                    .as("every series the Grafana dashboard plots is exported by the running pipeline")
                    .allSatisfy(series -> assertThat(metrics).contains(series));
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + metricsPort + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as("/health: %s", health.body()).isEqualTo(200);

            child.destroy(); // SIGTERM
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(Files.readString(log)).as("closed its streams clients before exiting")
                    .contains("event=pipeline_stopped application_id=from-the-environment");
        }
    }

    private static void produce(String bootstrap, SchemaRegistryClient registry) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            // One record that is not in the wire format, first on the single partition: it is dead-lettered
            // before the good ones are embedded, so the dead-letter series exists by then.
            producer.send(new ProducerRecord<>(EVENTS, "garbage", "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            for (int i = 0; i < EVENTS_SENT; i++) {
                producer.send(new ProducerRecord<>(EVENTS, "p" + i, serializer.serialize(EVENTS,
                        TextEvent.newBuilder().setId("p" + i).setText("operator sentence " + i).build())));
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "pipeline-command-it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
