package io.d2vstreams.topology;

import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.BrokerOptions;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.devstack.EmbeddedKafkaBroker;
import io.d2vstreams.devstack.EmbeddedSchemaRegistry;
import io.d2vstreams.devstack.RegistryOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SubjectNames;
import io.d2vstreams.schemas.Topics;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /health} against a real broker and registry: STARTING until the pipeline is ready, UP
 * while it works, and DOWN with the cause when the cluster is gone (the broker stopped) or when
 * records wait and none is processed (the registry stopped, so no record can be decoded, while
 * the stream threads come back RUNNING again and again), then UP again once the cause is gone.
 */
@DisplayName("The pipeline's /health, against a real broker and registry")
class PipelineHealthIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String INPUT = TOPICS.events(Modality.TEXT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    /** One answer of {@code /health}. */
    private record Answer(int status, String body) {
    }

    @Test
    @DisplayName("says STARTING (503) from its first answer until schemas, topics and stream threads are up, then UP (200)")
    void startingThenReady() throws Exception {
        int metricsPort = freePort();
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            PipelineConfig config = config(stack, metricsPort).with(Map.of(PipelineConfig.SAMPLING_ENABLED, "true"));
            CompletableFuture<EmbeddingPipeline> starting = CompletableFuture.supplyAsync(() -> EmbeddingPipeline.start(config));
            List<Answer> answers = new ArrayList<>();
            Set<String> subjectsAtFirstUp = new HashSet<>();
            Set<String> topicsAtFirstUp = new HashSet<>();
            await("/health answers 200").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
                Answer answer = healthOrNull(metricsPort);
                if (answer == null) {
                    return false;
                }
                answers.add(answer);
                if (answer.status() == 200) {
                    // What a client relying on the signal finds right then.
                    subjectsAtFirstUp.addAll(subjects(stack));
                    topicsAtFirstUp.addAll(admin.listTopics().names().get(10, TimeUnit.SECONDS));
                    return true;
                }
                return false;
            });
            try (EmbeddingPipeline pipeline = starting.get(1, TimeUnit.MINUTES)) {
                assertThat(answers.get(0)).as("the first answer, while starting").satisfies(first -> {
                    assertThat(first.status()).isEqualTo(503);
                    assertThat(first.body()).contains("\"status\":\"STARTING\"").contains("\"ready\":false");
                });
                assertThat(answers.subList(0, answers.size() - 1)).as("every answer before the first 200")
                        .allSatisfy(a -> assertThat(a.body()).contains("\"status\":\"STARTING\""));
                assertThat(answers.get(answers.size() - 1).body()).as("the first 200")
                        .contains("\"status\":\"UP\"").contains("\"ready\":true")
                        .contains("\"embedding\":\"RUNNING\"").contains("\"sampling\":\"RUNNING\"");
                assertThat(subjectsAtFirstUp).as("subjects a client can fetch once /health is UP")
                        .containsAll(SchemaSetup.valueSchemas(TOPICS).keySet());
                assertThat(topicsAtFirstUp).as("topics that exist once /health is UP").containsAll(TOPICS.all());
                assertThat(pipeline.ready()).as("the ready signal (logged as event=pipeline_ready)").isCompleted();
            }
        }
    }

    @Test
    @DisplayName("says DOWN (503, cluster_unreachable) while the broker is stopped, and UP again once it is back")
    void downWhileTheBrokerIsStopped() throws Exception {
        int kafkaPort = freePort();
        int metricsPort = freePort();
        EmbeddedKafkaBroker restarted = null;
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(kafkaPort).registryPort(0).build())) {
            // The pipeline closes before the restarted broker it talks to.
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config(stack, metricsPort))) {
                awaitStatus(metricsPort, 200, "UP before the outage");

                stack.broker().close();
                Answer down = awaitStatus(metricsPort, 503, "DOWN once no broker answers");
                assertThat(down.body()).as("the reason, while the stream threads themselves still say RUNNING")
                        .contains("\"status\":\"DOWN\"").contains("\"cause\":\"cluster_unreachable\"")
                        .contains("no broker of " + stack.bootstrapServers()).contains("\"embedding\":\"RUNNING\"");

                restarted = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir.resolve("stack").resolve(DevStack.KAFKA_DIR))
                        .port(kafkaPort).build());
                assertThat(awaitStatus(metricsPort, 200, "UP again once the broker is back").body())
                        .contains("\"status\":\"UP\"");
                assertThat(pipeline.state()).as("the pipeline itself never stopped").isEqualTo(KafkaStreams.State.RUNNING);
            }
        } finally {
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    @Test
    @DisplayName("says DOWN (503, stalled) while records wait and none is processed, and UP again once they flow")
    void downWhileStalled() throws Exception {
        int metricsPort = freePort();
        int registryPort = freePort();
        EmbeddedSchemaRegistry restarted = null;
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(registryPort).build());
             KafkaProducer<String, byte[]> producer = TestClients.producer(stack.bootstrapServers());
             KafkaConsumer<String, byte[]> consumer = TestClients.readCommittedConsumer(stack.bootstrapServers(), "health-reader")) {
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config(stack, metricsPort))) {
                awaitStatus(metricsPort, 200, "UP before the outage");
                // A newer writer schema the pipeline has not seen: decoding its records needs the registry.
                Schema newer = withOptionalField(TextEvent.getClassSchema(), "reviewer_note");
                int newerId;
                try (SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                        Map.of("schema.registry.url", stack.registryUrl())))) {
                    newerId = registry.register(SubjectNames.valueSubject(INPUT), newer);
                }

                stack.registry().close();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(INPUT, "stalled-" + i, TestClients.wireFormat(newerId, event(newer, "stalled-" + i))));
                }
                producer.flush();
                Answer down = awaitStatus(metricsPort, 503, "DOWN while the records cannot be decoded");
                assertThat(down.body()).as("the reason: records wait, nothing is processed; the broker answers, and the "
                                + "stream threads, replaced after each failure, are no sign of it")
                        .contains("\"status\":\"DOWN\"").contains("\"cause\":\"stalled\"").contains("records wait")
                        .containsAnyOf("\"embedding\":\"RUNNING\"", "\"embedding\":\"REBALANCING\"");

                restarted = EmbeddedSchemaRegistry.start(RegistryOptions.builder(stack.bootstrapServers()).port(registryPort).build());
                consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT)));
                Set<String> embedded = new HashSet<>();
                await("the waiting records are embedded once the registry is back").atMost(Duration.ofMinutes(2))
                        .until(() -> {
                            consumer.poll(Duration.ofMillis(200)).forEach(r -> embedded.add(r.key()));
                            return embedded.size() >= 20;
                        });
                awaitStatus(metricsPort, 200, "UP again once records flow");
                assertThat(pipeline.state()).as("the pipeline carried on by itself").isEqualTo(KafkaStreams.State.RUNNING);
            }
        } finally {
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    /** Short health windows, so the test sees DOWN within seconds; the text path only matters here. */
    private PipelineConfig config(DevStack stack, int metricsPort) {
        return PipelineConfig.from(Map.of(
                PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString(),
                PipelineConfig.METRICS_PORT, Integer.toString(metricsPort),
                PipelineConfig.SAMPLING_ENABLED, "false",
                PipelineConfig.HEALTH_CLUSTER_TIMEOUT_MS, "3000",
                PipelineConfig.HEALTH_STALL_TIMEOUT_MS, "4000"));
    }

    private Answer awaitStatus(int port, int status, String what) {
        Answer[] last = new Answer[1];
        await(what).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = healthOrNull(port);
            return last[0] != null && last[0].status() == status;
        });
        return last[0];
    }

    /** {@code /health}, or null while nothing listens on the port yet. */
    private Answer healthOrNull(int port) throws IOException, InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (ConnectException e) {
            return null;
        }
    }

    private Set<String> subjects(DevStack stack) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Set<String> subjects = new HashSet<>();
        for (String part : body.replaceAll("[\\[\\]\"]", "").split(",")) {
            if (!part.isBlank()) {
                subjects.add(part.trim());
            }
        }
        return subjects;
    }

    /** {@code schema} with one more optional string field: a compatible newer version, with a new id. */
    private static Schema withOptionalField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                null, JsonProperties.NULL_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static GenericRecord event(Schema schema, String id) {
        GenericRecord event = new GenericData.Record(schema);
        event.put("id", id);
        event.put("text", "a sentence while the registry is away");
        return event;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
