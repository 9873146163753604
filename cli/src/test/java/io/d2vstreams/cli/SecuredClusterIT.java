package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.BrokerOptions;
import io.d2vstreams.devstack.EmbeddedKafkaBroker;
import io.d2vstreams.devstack.EmbeddedSchemaRegistry;
import io.d2vstreams.devstack.RegistryOptions;
import io.d2vstreams.devstack.SaslSslListener;
import io.d2vstreams.devstack.SelfSignedCertificate;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.backfill.BackfillWorker;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline and the trainer against a cluster that needs credentials: the embedded broker with a
 * SASL_SSL listener and SCRAM-SHA-512 users, its certificate made in the test. Every client gets the
 * settings an operator would write for a real secured cluster, through the same pass-through.
 *
 * <p>The embedded registry keeps its state topic over the broker's internal PLAINTEXT listener: it runs in
 * this process beside the broker, as in {@code d2v up}; the pipeline and the trainer reach the registry over
 * HTTP, which is not what this test is about (RegistryAuthTest and AuthRegistryClientTest cover that).
 */
@DisplayName("Pipeline and trainer on a SASL_SSL cluster with SCRAM users")
class SecuredClusterIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String MECHANISM = "SCRAM-SHA-512";
    private static final int EVENTS = 60;
    private static final Map<String, String> USERS = Map.of(
            "pipeline", "pipeline-secret-1",
            "trainer", "trainer-secret-2",
            "tester", "tester-secret-3");

    @TempDir
    Path dir;

    @Test
    @DisplayName("with credentials text is embedded exactly once and the trainer reads samples and announces; "
            + "without them the pipeline, the trainer and other clients are refused and write nothing")
    void worksWithCredentialsAndRefusesWithout() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(dir.resolve("certs"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir.resolve("kafka")).port(0)
                     .saslSsl(SaslSslListener.builder(certificate.keyStore(), certificate.password()).users(USERS).build())
                     .build());
             EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start(
                     RegistryOptions.builder(broker.internalBootstrapServers()).port(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", registryServer.url())))) {
            Secured cluster = new Secured(broker.bootstrapServers(), certificate);
            String events = TOPICS.events(Modality.TEXT);
            Set<String> produced = IntStream.range(0, EVENTS).mapToObj(i -> "secured-" + i)
                    .collect(Collectors.toCollection(TreeSet::new));

            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(PipelineConfig.from(
                         pipelineSettings(cluster, registryServer.url(), "pipeline", USERS.get("pipeline"))))) {
                pipeline.awaitRunning(Duration.ofSeconds(90));
                produceText(cluster.client("tester", USERS.get("tester")), registry, events, produced);

                List<Embedding> embedded = readUntil(cluster.client("tester", USERS.get("tester")), registry,
                        TOPICS.embeddings(Modality.TEXT), Embedding.class, read -> read.size() >= EVENTS);
                assertThat(embedded).as("embeddings, read_committed, up to the topic's end")
                        .extracting(Embedding::getId).hasSize(EVENTS).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(produced);
                assertThat(endOffsets(cluster.client("tester", USERS.get("tester")), TOPICS.deadLetters()))
                        .as("records in %s", TOPICS.deadLetters()).isZero();

                try (TrainerWorker trainer = TrainerWorker.start(TrainerWorkerConfig.from(
                        trainerSettings(cluster, registryServer.url(), "trainer", USERS.get("trainer"), "checkpoints")))) {
                    await("the trainer reads samples, steps and decides on a version").atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> trainer.failure().isPresent() || !trainer.progress().decisions().isEmpty());
                    assertThat(trainer.failure()).as("trainer failure").isEmpty();
                    TrainerWorker.Progress progress = trainer.progress();
                    assertThat(progress.samplesRead()).as("training samples the trainer read over SASL_SSL").isPositive();
                    assertThat(progress.completedSteps()).as("training steps").isPositive();
                    int version = progress.decisions().get(0).version();
                    List<ModelVersion> announced = readUntil(cluster.client("tester", USERS.get("tester")), registry,
                            TOPICS.models(), ModelVersion.class, read -> read.stream().anyMatch(v -> v.getVersion() == version));
                    assertThat(announced).as("announcements on %s", TOPICS.models()).extracting(ModelVersion::getVersion)
                            .contains(version);
                }
            }

            // Without valid credentials: each attempt must fail, and how.
            List<String> unauthorizedSuccesses = new ArrayList<>();
            Throwable pipelineRefusal = failureOf(() -> EmbeddingPipeline.start(PipelineConfig.from(
                    pipelineSettings(cluster, registryServer.url(), "pipeline", "not-the-password"))).close());
            if (pipelineRefusal == null) {
                unauthorizedSuccesses.add("a pipeline with a wrong password started");
            }
            Throwable trainerRefusal;
            try (TrainerWorker trainer = TrainerWorker.start(TrainerWorkerConfig.from(
                    trainerSettings(cluster, registryServer.url(), "trainer", "not-the-password", "refused-checkpoints")))) {
                await("the trainer with a wrong password gives up").atMost(Duration.ofSeconds(60))
                        .until(() -> trainer.failure().isPresent());
                trainerRefusal = trainer.failure().orElseThrow();
                if (trainer.progress().samplesRead() > 0) {
                    unauthorizedSuccesses.add("a trainer with a wrong password read " + trainer.progress().samplesRead() + " samples");
                }
            }
            Throwable wrongPassword = failureOf(() -> produceText(cluster.client("tester", "not-the-password"), registry,
                    events, Set.of("wrong-password")));
            Map<String, Object> plaintext = new HashMap<>(Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
            Throwable plaintextRefusal = failureOf(() -> produceText(plaintext, registry, events, Set.of("plaintext")));
            for (Throwable refusal : new Throwable[] {wrongPassword, plaintextRefusal}) {
                if (refusal == null) {
                    unauthorizedSuccesses.add("a producer without valid credentials wrote");
                }
            }

            assertThat(unauthorizedSuccesses).as("unauthorized successes").isEmpty();
            assertThat(causes(pipelineRefusal)).as("why the pipeline with a wrong password did not start: %s", pipelineRefusal)
                    .hasAtLeastOneElementOfType(SaslAuthenticationException.class);
            assertThat(causes(trainerRefusal)).as("why the trainer with a wrong password stopped: %s", trainerRefusal)
                    .hasAtLeastOneElementOfType(SaslAuthenticationException.class);
            assertThat(causes(wrongPassword)).as("why a producer with a wrong password failed: %s", wrongPassword)
                    .hasAtLeastOneElementOfType(SaslAuthenticationException.class);
            assertThat(causes(plaintextRefusal)).as("why a PLAINTEXT producer on the SASL_SSL port failed: %s", plaintextRefusal)
                    .hasAtLeastOneElementOfType(TimeoutException.class);
            assertThat(endOffsets(cluster.client("tester", USERS.get("tester")), events))
                    .as("records in %s after the refused attempts: the %d authorized ones only", events, EVENTS)
                    .isEqualTo(EVENTS);
            // Read again now that the pipeline has stopped: nothing was embedded twice after the first read either.
            assertThat(readUntil(cluster.client("tester", USERS.get("tester")), registry, TOPICS.embeddings(Modality.TEXT),
                    Embedding.class, read -> true)).as("embeddings after the pipeline stopped")
                    .extracting(Embedding::getId).hasSize(EVENTS).containsExactlyInAnyOrderElementsOf(produced);
        }
    }

    /** What an operator writes for a SASL_SSL cluster with SCRAM; the trust store holds the broker's certificate. */
    private record Secured(String bootstrapServers, SelfSignedCertificate certificate) {
        Map<String, Object> client(String user, String password) {
            Map<String, Object> settings = new HashMap<>();
            settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            settings.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
            settings.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"" + user + "\" password=\"" + password + "\";");
            settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificate.trustStore().toString());
            settings.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificate.password());
            settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, SelfSignedCertificate.STORE_TYPE);
            return settings;
        }

        /** The same settings as strings, for a properties-style config. */
        Map<String, String> settings(String user, String password) {
            Map<String, String> settings = new HashMap<>();
            client(user, password).forEach((key, value) -> settings.put(key, value.toString()));
            return settings;
        }
    }

    private Map<String, String> pipelineSettings(Secured cluster, String registryUrl, String user, String password) {
        Map<String, String> settings = cluster.settings(user, password);
        settings.putAll(Map.of(
                PipelineConfig.SCHEMA_REGISTRY_URL, registryUrl,
                PipelineConfig.TOPIC_PARTITIONS, "1",
                PipelineConfig.METRICS_PORT, "0",
                PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString(),
                // Every text event becomes a training sample, so the trainer has enough to step on at once.
                PipelineConfig.SAMPLING_TEXT_RATE, "1.0",
                PipelineConfig.SAMPLING_TEXT_MAX_PER_SECOND, "1000"));
        return settings;
    }

    private Map<String, String> trainerSettings(Secured cluster, String registryUrl, String user, String password,
                                                String checkpoints) {
        Map<String, String> settings = cluster.settings(user, password);
        settings.putAll(Map.ofEntries(
                Map.entry(TrainerWorkerConfig.SCHEMA_REGISTRY_URL, registryUrl),
                Map.entry(TrainerWorkerConfig.MODALITIES, "TEXT"),
                Map.entry(TrainerWorkerConfig.MODEL_STORE_DIR, dir.resolve("models").toString()),
                Map.entry(TrainerWorkerConfig.CHECKPOINT_DIR, dir.resolve(checkpoints).toString()),
                Map.entry(TrainerWorkerConfig.BATCH_SIZE, "8"),
                Map.entry(TrainerWorkerConfig.MAX_TOKENS, "32"),
                Map.entry(TrainerWorkerConfig.WARMUP_STEPS, "0"),
                Map.entry(TrainerWorkerConfig.HELDOUT_EVERY, "5"),
                Map.entry(TrainerWorkerConfig.HELDOUT_SIZE, "16"),
                Map.entry(TrainerWorkerConfig.GATE_HELDOUT_MIN, "8"),
                // An export after two steps: its announcement is the trainer's write over SASL_SSL.
                Map.entry(TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "2"),
                Map.entry(TrainerWorkerConfig.CHECKPOINT_INTERVAL_STEPS, "1000")));
        return settings;
    }

    private static void produceText(Map<String, Object> client, SchemaRegistryClient registry, String topic, Set<String> ids)
            throws Exception {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        // A refused client fails at once; one that gets no answer (PLAINTEXT on a TLS port) gives up after 3 s.
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            for (String id : ids) {
                byte[] value = serializer.serialize(topic, TextEvent.newBuilder().setId(id).setText("a guarded sentence " + id).build());
                producer.send(new ProducerRecord<>(topic, id, value)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The values of {@code topic} from its start, read_committed, until they satisfy {@code done} and the end is
     * reached. Leaves out backfilled embeddings: once the trainer's version serves, the backfill re-embeds the
     * history with it (a second embedding per input, of the new version; BackfillIT checks those), and this test
     * checks the live path.
     */
    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readUntil(Map<String, Object> client,
            SchemaRegistryClient registry, String topic, Class<T> type, Predicate<List<T>> done) {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<T> values = new ArrayList<>();
        SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(registry, type);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await("the records awaited in " + topic).atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.headers().lastHeader(BackfillWorker.HEADER) != null) {
                        continue;
                    }
                    if (record.value() != null) { // a compacted topic's tombstone carries no value
                        values.add(deserializer.deserialize(topic, record.value()));
                    }
                }
                // The position passes the last committed record (and its marker) only once all were read.
                return done.test(values)
                        && consumer.position(partition) >= consumer.endOffsets(List.of(partition)).get(partition);
            });
        }
        return values;
    }

    /** How many offsets partition 0 of {@code topic} holds (records and transaction markers alike). */
    private static long endOffsets(Map<String, Object> client, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(client, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        }
    }

    private interface Attempt {
        void run() throws Exception;
    }

    /** Null if the attempt succeeded, else what it threw. */
    private static Throwable failureOf(Attempt attempt) {
        try {
            attempt.run();
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
