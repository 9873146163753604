package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.topology.RecordLimits;
import io.d2vstreams.topology.TopicSetup;
import io.d2vstreams.schemas.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** {@code d2v trainer --config FILE} as its own JVM against the embedded stack, stopped with SIGTERM. */
@DisplayName("d2v trainer, run as a process and stopped with SIGTERM")
class TrainerCommandIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @DisplayName("trains on the samples topic and, on SIGTERM, writes a last checkpoint and stops")
    void trainsAndStopsGracefully() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            TopicSetup.ensureTopics(Map.of("bootstrap.servers", stack.bootstrapServers()), TOPICS,
                    RecordLimits.of(PipelineConfig.defaults()), 1, (short) 1);
            produce(stack.bootstrapServers(), registry, 200);
            int metricsPort = freePort();
            Path config = dir.resolve("trainer.properties");
            Files.writeString(config, String.join("\n",
                    "bootstrap.servers=" + stack.bootstrapServers(),
                    "schema.registry.url=" + stack.registryUrl(),
                    "model.store.dir=" + dir.resolve("models"),
                    "trainer.checkpoint.dir=" + dir.resolve("checkpoints"),
                    "trainer.batch.size=8",
                    "trainer.max.tokens=32",
                    "trainer.checkpoint.interval.steps=1000",
                    "trainer.export.interval.steps=1000",
                    "trainer.log.interval.steps=2",
                    "metrics.port=" + metricsPort,
                    "")) ;
            Path log = dir.resolve("trainer.log");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    D2v.class.getName(), "trainer", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                await("steps are logged (log: " + log + ")").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !process.isAlive() || Files.readString(log).contains("event=trainer_progress"));
                assertThat(process.isAlive()).as("running; output:%n%s", Files.readString(log)).isTrue();
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + metricsPort + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as("/health while training: %s", health.body()).isEqualTo(200);
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + metricsPort + "/metrics"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).as("the trainer's Prometheus series")
                        .contains("d2v_trainer_steps_total{modality=\"text\"}")
                        .containsPattern("d2v_trainer_samples_read_total\\{modality=\"text\"} [1-9]")
                        .contains("d2v_trainer_loss{modality=\"text\"}")
                        .contains("d2v_trainer_versions_total{decision=\"accepted\",modality=\"text\"}");
                process.destroy(); // SIGTERM
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            } finally {
                process.destroyForcibly();
            }
            String output = Files.readString(log);
            assertThat(output).as("a last checkpoint, then the stop line")
                    .contains("event=checkpoint_written").contains("event=offsets_committed")
                    .contains("event=trainer_worker_stopped");
            // The IMAGE and AUDIO loops have no samples and may stop first: order the TEXT loop's own lines.
            assertThat(output.indexOf("event=checkpoint_written modality=TEXT"))
                    .as("TEXT checkpoint before TEXT's stop line").isNotNegative()
                    .isLessThan(output.indexOf("event=trainer_worker_stopped modality=TEXT"));
            assertThat(Files.list(dir.resolve("checkpoints").resolve("text"))
                    .anyMatch(p -> p.getFileName().toString().startsWith("step-")))
                    .as("checkpoint on disk, in the TEXT loop's folder").isTrue();
        }
    }

    private static void produce(String bootstrap, SchemaRegistryClient registry, int n) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TrainingSample> serializer = new SpecificAvroSerializer<>(registry)) {
            String topic = TOPICS.trainingSamples();
            for (int i = 0; i < n; i++) {
                TrainingSample sample = TrainingSample.newBuilder().setId("c" + i)
                        .setModality(io.d2vstreams.avro.Modality.TEXT).setText("sample sentence number " + i + " about trains")
                        .setSourceTopic(TOPICS.events(io.d2vstreams.runtime.Modality.TEXT)).setSourcePartition(0)
                        .setSourceOffset(i).build();
                producer.send(new ProducerRecord<>(topic, "c" + i, serializer.serialize(topic, sample)));
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
