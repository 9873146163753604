package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.devstack.RegistryAuth;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A pipeline and a trainer configured with recognisable secrets (a SASL JAAS password, the
 * registry's basic-auth user info) against the embedded stack with a registry that needs those
 * credentials: the secret string shows nowhere an operator or a consumer looks.
 */
@DisplayName("Secrets in the configuration never reach logs, metrics, health or dead letters")
class SecretsNotLeakedIT {
    private static final String SECRET = "s3cr3t-XYZ";
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    /** Inert on the PLAINTEXT listener (Kafka reads it only for SASL), but logged like any client setting. */
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"d2v\" password=\"" + SECRET + "\";";

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Map<String, Level> levelsBefore = new HashMap<>();

    @BeforeEach
    void captureLogs() {
        captured.start();
        Logger root = logger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(captured);
        // Kafka's clients log every setting at INFO when they start ("ProducerConfig values: ..."): capture those too.
        for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "org.apache.kafka", "kafka", "io.d2vstreams")) {
            levelsBefore.put(name, logger(name).getLevel());
            logger(name).setLevel(Level.INFO);
        }
    }

    @AfterEach
    void restoreLogs() {
        logger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(captured);
        levelsBefore.forEach((name, level) -> logger(name).setLevel(level));
        captured.stop();
    }

    @Test
    @DisplayName("start-up logs mask them (ours and Kafka's), /metrics and /health lack them, dead-letter headers too")
    void secretsStayOut() throws Exception {
        RegistryAuth users = RegistryAuth.basic(Map.of("d2v", SECRET));
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0)
                .registryAuth(users).build())) {
            Map<String, String> secrets = Map.of(
                    "sasl.jaas.config", JAAS,
                    "basic.auth.credentials.source", "USER_INFO",
                    "basic.auth.user.info", "d2v:" + SECRET);
            Map<String, String> pipelineSettings = new HashMap<>(secrets);
            pipelineSettings.putAll(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "1",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            Map<String, String> trainerSettings = new HashMap<>(secrets);
            trainerSettings.putAll(Map.of(
                    TrainerWorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    TrainerWorkerConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    TrainerWorkerConfig.MODEL_STORE_DIR, dir.resolve("models").toString(),
                    TrainerWorkerConfig.CHECKPOINT_DIR, dir.resolve("checkpoints").toString()));

            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(PipelineConfig.from(pipelineSettings));
                 TrainerWorker trainer = TrainerWorker.start(TrainerWorkerConfig.from(trainerSettings));
                 TrainerTelemetry trainerTelemetry = TrainerTelemetry.serve(trainer, "localhost", 0);
                 SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(Map.of(
                         "schema.registry.url", stack.registryUrl(), "basic.auth.user.info", "d2v:" + SECRET)))) {
                pipeline.awaitRunning(Duration.ofSeconds(90));
                String events = TOPICS.events(Modality.TEXT);
                produce(stack.bootstrapServers(), events, "good-1", good(registry, events));
                produce(stack.bootstrapServers(), events, "not-avro", "plain text".getBytes(StandardCharsets.UTF_8));
                produce(stack.bootstrapServers(), events, "unknown-id", unknownSchemaId());

                List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();
                List<Embedding> embedded = new ArrayList<>();
                SpecificAvroDeserializer<Embedding> embeddings = new SpecificAvroDeserializer<>(registry, Embedding.class);
                try (KafkaConsumer<String, byte[]> consumer = consumer(stack.bootstrapServers())) {
                    consumer.subscribe(List.of(TOPICS.deadLetters(), TOPICS.embeddings(Modality.TEXT)));
                    await("one embedding and two dead letters").atMost(Duration.ofSeconds(90)).until(() -> {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            if (r.topic().equals(TOPICS.deadLetters())) {
                                deadLetters.add(r);
                            } else {
                                embedded.add(embeddings.deserialize(r.topic(), r.value()));
                            }
                        }
                        return embedded.size() >= 1 && deadLetters.size() >= 2;
                    });
                }
                assertThat(embedded).as("the good event, embedded through the guarded registry")
                        .extracting(Embedding::getId).containsExactly("good-1");
                for (ConsumerRecord<String, byte[]> letter : deadLetters) {
                    for (Header header : letter.headers()) {
                        assertThat(new String(header.value(), StandardCharsets.UTF_8))
                                .as("dead-letter header %s of %s", header.key(), letter.key()).doesNotContain(SECRET);
                    }
                }

                HttpClient http = HttpClient.newHttpClient();
                for (int port : new int[] {pipeline.metricsPort().orElseThrow(), trainerTelemetry.port().getAsInt()}) {
                    for (String path : List.of("/metrics", "/health")) {
                        String body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        assertThat(body).as("%s on port %d", path, port).isNotBlank().doesNotContain(SECRET);
                    }
                }
            }
        }

        List<String> lines = captured.list.stream().map(SecretsNotLeakedIT::render).toList();
        assertThat(lines).as("captured log lines")
                .anySatisfy(l -> assertThat(l).contains("event=pipeline_starting")
                        .contains("sasl.jaas.config=******").contains("basic.auth.user.info=******"))
                .anySatisfy(l -> assertThat(l).contains("event=trainer_worker_starting")
                        .contains("sasl.jaas.config=******").contains("basic.auth.user.info=******"))
                // Kafka's own dump of a client's settings was captured, and hides the JAAS config itself.
                .anySatisfy(l -> assertThat(l).contains("sasl.jaas.config = [hidden]"));
        assertThat(lines).as("captured log lines, each with its stack trace")
                .allSatisfy(l -> assertThat(l).doesNotContain(SECRET));
    }

    @Test
    @DisplayName("--help of the commands that read these settings shows none of a config file's secrets")
    void helpShowsNoSecret() throws Exception {
        Path config = dir.resolve("with-secrets.properties");
        java.nio.file.Files.writeString(config, "sasl.jaas.config=" + JAAS.replace("\"", "\\\"") + "\n"
                + "basic.auth.user.info=d2v:" + SECRET + "\n");
        for (String[] command : new String[][] {{"pipeline"}, {"trainer"}, {"models", "promote"},
                {"models", "rollback"}, {"up"}, {"produce"}, {"tail"}}) {
            List<String> args = new ArrayList<>(List.of(command));
            if (!List.of("up", "produce", "tail").contains(command[0])) {
                args.addAll(List.of("--config", config.toString()));
            }
            args.add("--help");
            java.io.StringWriter out = new java.io.StringWriter();
            picocli.CommandLine commandLine = D2v.commandLine();
            commandLine.setOut(new java.io.PrintWriter(out, true));
            commandLine.setErr(new java.io.PrintWriter(out, true));
            assertThat(commandLine.execute(args.toArray(String[]::new))).as("exit code of %s", args).isZero();
            assertThat(out.toString()).as("output of %s", args).contains("Usage:").doesNotContain(SECRET);
        }
    }

    private static String render(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return line.toString();
    }

    private static byte[] good(SchemaRegistryClient registry, String topic) {
        try (SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            return serializer.serialize(topic, TextEvent.newBuilder().setId("good-1").setText("a guarded sentence").build());
        }
    }

    /** The wire format's magic byte and a schema id no registry has. */
    private static byte[] unknownSchemaId() {
        return ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(0).array();
    }

    private static void produce(String bootstrap, String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value));
            producer.flush();
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "secrets-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static Logger logger(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }
}
