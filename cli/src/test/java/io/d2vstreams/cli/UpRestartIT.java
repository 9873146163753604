package io.d2vstreams.cli;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.SubjectNames;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code d2v up} in a child JVM, killed with {@code kill -9} (broker, registry and pipeline
 * die together, mid-stream) and started again on the same data directory: schema ids are
 * unchanged and every event produced before and after has exactly one embedding. Each start is
 * awaited as a client would: until the log says {@code event=service_ready}.
 */
@DisplayName("d2v up, killed and restarted on the same data directory")
class UpRestartIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String TOPIC = TOPICS.events(Modality.TEXT);
    /** The readiness line, with the health URL it names. */
    private static final Pattern READY = Pattern.compile("event=service_ready .*health=(\\S+)");

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
    @DisplayName("carries on where it stopped: same schema ids, one embedding per event across the kill")
    void carriesOnAfterKill() throws Exception {
        int kafkaPort = freePort();
        int registryPort = freePort();
        String bootstrap = "localhost:" + kafkaPort;
        String registryUrl = "http://localhost:" + registryPort;

        Process first = startUp(kafkaPort, registryPort);
        assertThat(inputPartitions(bootstrap)).as("partitions of every input topic, so more instances can share them")
                .hasSize(3).containsOnly(3);
        int schemaIdBefore;
        try (SchemaRegistryClient registry = registry(registryUrl)) {
            schemaIdBefore = registry.latest(SubjectNames.valueSubject(TOPIC)).id();
            produce(bootstrap, registry, 0, 300);
            try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, "before-kill")) {
                consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT)));
                await("some embeddings before the kill").atMost(Duration.ofMinutes(2))
                        .until(() -> !consumer.poll(Duration.ofMillis(200)).isEmpty());
            }
        }
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("kill -9 took effect").isTrue();

        startUp(kafkaPort, registryPort);
        assertThat(inputPartitions(bootstrap)).as("partitions of every input topic after the restart").hasSize(3).containsOnly(3);
        try (SchemaRegistryClient registry = registry(registryUrl)) {
            assertThat(registry.latest(SubjectNames.valueSubject(TOPIC)).id())
                    .as("schema id survives the restart").isEqualTo(schemaIdBefore);
            produce(bootstrap, registry, 300, 600);

            Map<String, Integer> embeddings = new HashMap<>();
            SpecificAvroDeserializer<Embedding> deserializer = new SpecificAvroDeserializer<>(registry, Embedding.class);
            try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, "after-restart")) {
                consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT)));
                await("every event embedded").atMost(Duration.ofMinutes(3)).until(() -> {
                    drain(consumer, deserializer, embeddings);
                    return embeddings.size() >= 600;
                });
                long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < quietUntil) {
                    drain(consumer, deserializer, embeddings);
                }
            }
            assertThat(embeddings).as("one entry per event id").hasSize(600);
            assertThat(embeddings.entrySet()).filteredOn(e -> e.getValue() != 1).as("ids embedded other than once").isEmpty();
        }
    }

    private static void drain(KafkaConsumer<String, byte[]> consumer, SpecificAvroDeserializer<Embedding> deserializer,
                              Map<String, Integer> counts) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            counts.merge(deserializer.deserialize(record.topic(), record.value()).getId(), 1, Integer::sum);
        }
    }

    /**
     * Starts {@code d2v up} and returns once it logs {@code event=service_ready}: from then on a
     * client finds the schemas in the registry and {@code /health} says UP, which it checks.
     */
    private Process startUp(int kafkaPort, int registryPort) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("up-" + children.size() + ".log");
        Process process = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                D2v.class.getName(), "up", "--data-dir", dir.resolve("data").toString(),
                "--kafka-port", Integer.toString(kafkaPort), "--registry-port", Integer.toString(registryPort),
                "--metrics-port", "0", "--trainer-metrics-port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(process);
        await("d2v up is ready (log: " + log + ")").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> !process.isAlive() || READY.matcher(Files.readString(log)).find());
        assertThat(process.isAlive()).as("d2v up is running; its output:%n%s", Files.readString(log)).isTrue();
        String output = Files.readString(log);
        assertThat(output).as("the trainer runs beside the pipeline").contains("event=trainer_worker_starting");

        Matcher ready = READY.matcher(output);
        assertThat(ready.find()).isTrue();
        try (SchemaRegistryClient registry = registry("http://localhost:" + registryPort)) {
            for (Modality modality : Modality.values()) {
                assertThat(registry.latest(SubjectNames.valueSubject(TOPICS.events(modality))).id())
                        .as("the %s input schema, fetched right after event=service_ready", modality).isPositive();
            }
        }
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ready.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("/health right after event=service_ready: %s", health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"ready\":true");
        return process;
    }

    private static void produce(String bootstrap, SchemaRegistryClient registry, int from, int to) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "u" + i, serializer.serialize(TOPIC,
                        TextEvent.newBuilder().setId("u" + i).setText("restart sentence " + i).build())));
            }
            producer.flush();
        }
    }

    private static List<Integer> inputPartitions(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> inputs = Arrays.stream(Modality.values()).map(TOPICS::events).toList();
            return admin.describeTopics(inputs).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .map(description -> description.partitions().size()).toList();
        }
    }

    private static SchemaRegistryClient registry(String url) {
        return new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(Map.of("schema.registry.url", url)));
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
