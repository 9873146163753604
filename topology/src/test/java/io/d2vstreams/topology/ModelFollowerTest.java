package io.d2vstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.ModelVersionKeys;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.topology.internal.ServedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's model follower against a real broker, registry and model store (the seeded tiny
 * text encoders), without the streams: what it loads when an announcement has no digest.
 */
@DisplayName("ModelFollower: an ACTIVE announcement without a digest is never loaded")
class ModelFollowerTest {
    private static final EncoderOptions CPU = EncoderOptions.defaults().withThreads(1, 1);

    @TempDir
    static Path dir;
    private static DevStack stack;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void start() {
        stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
        registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(Map.of("schema.registry.url", stack.registryUrl())));
    }

    @AfterAll
    static void stop() {
        registry.close();
        stack.close();
    }

    @Test
    @DisplayName("while serving: refused and announced REJECTED, the version before keeps serving; with its digest it swaps in")
    void runningPipelineRefusesMissingDigest(TestInfo test) {
        PipelineConfig config = config(test);
        ModelStore store = new ModelStore(config.modelStoreDir());
        ModelManifest v1 = store.initDefault(Modality.TEXT, 1);
        ModelManifest v2 = store.initDefault(Modality.TEXT, 2);
        try (ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, config.topics().models())) {
            announcer.announce(active(v1, v1.digest()));
        }
        try (ModelFollower follower = new ModelFollower(config, registry, store)) {
            follower.catchUp();
            ModelManifest starting = follower.startingVersion(Modality.TEXT).orElseThrow();
            assertThat(starting.version()).as("version started on").isEqualTo(1);
            try (ModelHolder<String> holder = new ModelHolder<>(store.load(TextSpec.INSTANCE, starting, CPU))) {
                follower.follow(List.of(new ServedModel<>(Modality.TEXT, holder, m -> store.load(TextSpec.INSTANCE, m, CPU))));

                // An external announcer that leaves sha256 empty: ModelAnnouncer itself would refuse to send it.
                sendRaw(config, active(v2, ""));
                await("v2 announced REJECTED by the follower").atMost(Duration.ofSeconds(30))
                        .until(() -> latestState(config, v2).filter(s -> s.getStatus() == ModelStatus.REJECTED).isPresent());
                assertThat(latestState(config, v2).orElseThrow().getReason()).as("reason of the rejection")
                        .contains("without a digest");
                assertThat(holder.current().version()).as("serving after the refused announcement").isEqualTo(1);

                // The same version announced properly is a normal refresh.
                try (ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, config.topics().models())) {
                    announcer.announce(active(v2, v2.digest()));
                }
                await("the follower swaps to v2 once it carries its digest").atMost(Duration.ofSeconds(60))
                        .until(() -> holder.current().version() == 2);
            }
        }
    }

    @Test
    @DisplayName("while serving: a digest that does not match the store's is refused the same way")
    void runningPipelineRefusesWrongDigest(TestInfo test) {
        PipelineConfig config = config(test);
        ModelStore store = new ModelStore(config.modelStoreDir());
        ModelManifest v1 = store.initDefault(Modality.TEXT, 1);
        ModelManifest v2 = store.initDefault(Modality.TEXT, 2);
        try (ModelFollower follower = new ModelFollower(config, registry, store);
             ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, config.topics().models())) {
            follower.catchUp();
            assertThat(follower.startingVersion(Modality.TEXT)).as("nothing announced: the store's newest")
                    .map(ModelManifest::version).contains(2);
            try (ModelHolder<String> holder = new ModelHolder<>(store.load(TextSpec.INSTANCE, v2, CPU))) {
                follower.follow(List.of(new ServedModel<>(Modality.TEXT, holder, m -> store.load(TextSpec.INSTANCE, m, CPU))));
                announcer.announce(active(v1, v2.digest()));
                await("v1 announced REJECTED").atMost(Duration.ofSeconds(30))
                        .until(() -> latestState(config, v1).filter(s -> s.getStatus() == ModelStatus.REJECTED).isPresent());
                assertThat(latestState(config, v1).orElseThrow().getReason()).as("reason of the rejection")
                        .contains("does not match the store's " + v1.digest());
                assertThat(holder.current().version()).as("serving after the refused announcement").isEqualTo(2);
            }
        }
    }

    @Test
    @DisplayName("at start-up: an ACTIVE announcement without a digest is refused, and the pipeline starts on the ACTIVE one before")
    void startingPipelineRefusesMissingDigest(TestInfo test) {
        PipelineConfig config = config(test);
        ModelStore store = new ModelStore(config.modelStoreDir());
        ModelManifest v1 = store.initDefault(Modality.TEXT, 1);
        ModelManifest v2 = store.initDefault(Modality.TEXT, 2);
        ModelManifest v3 = store.initDefault(Modality.TEXT, 3);
        try (ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, config.topics().models())) {
            announcer.announce(active(v1, v1.digest()));
        }
        sendRaw(config, active(v3, ""));
        try (ModelFollower follower = new ModelFollower(config, registry, store)) {
            follower.catchUp();

            Optional<ModelManifest> starting = follower.startingVersion(Modality.TEXT);

            assertThat(starting).as("version started on: v1, not v3 (no digest) nor v2 (never ACTIVE)")
                    .map(ModelManifest::version).contains(1);
            assertThat(latestState(config, v3)).as("latest record of v3").map(ModelVersion::getStatus)
                    .contains(ModelStatus.REJECTED);
            assertThat(v2.version()).as("the store's v2 exists but was never announced").isEqualTo(2);
        }
    }

    @Test
    @DisplayName("at start-up: when the only version was announced without a digest, nothing in the store is offered")
    void startingPipelineWithOnlyARefusedVersion(TestInfo test) {
        PipelineConfig config = config(test);
        ModelStore store = new ModelStore(config.modelStoreDir());
        ModelManifest v1 = store.initDefault(Modality.TEXT, 1);
        sendRaw(config, active(v1, ""));
        try (ModelFollower follower = new ModelFollower(config, registry, store)) {
            follower.catchUp();

            assertThat(follower.startingVersion(Modality.TEXT)).as("version offered to start on").isEmpty();
            assertThat(latestState(config, v1)).as("latest record of v1").map(ModelVersion::getStatus)
                    .contains(ModelStatus.REJECTED);
        }
    }

    /** A pipeline config of its own per test: its own topic prefix and model store. */
    private static PipelineConfig config(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName();
        PipelineConfig config = PipelineConfig.from(Map.of(
                PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                PipelineConfig.TOPIC_PREFIX, name + ".",
                PipelineConfig.MODEL_STORE_DIR, dir.resolve(name).resolve("models").toString()));
        TopicSetup.ensureTopics(config.clientProperties(), config.topics(), RecordLimits.of(config), 1, (short) -1);
        return config;
    }

    private static ModelVersion active(ModelManifest manifest, String digest) {
        return ModelVersion.newBuilder()
                .setModality(io.d2vstreams.avro.Modality.valueOf(manifest.modality().name()))
                .setModel(manifest.name()).setVersion(manifest.version())
                .setUri(manifest.modality().folderName() + "/v" + manifest.version())
                .setSha256(digest).setDim(manifest.dim()).setStatus(ModelStatus.ACTIVE)
                .setCreatedAtMs(System.currentTimeMillis()).build();
    }

    /** Writes an announcement with a plain producer, as an external trainer could. */
    private static void sendRaw(PipelineConfig config, ModelVersion announcement) {
        try (SpecificAvroSerializer<ModelVersion> serializer = new SpecificAvroSerializer<>(registry);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(),
                     new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            String topic = config.topics().models();
            producer.send(new ProducerRecord<>(topic, ModelVersionKeys.keyOf(announcement),
                    serializer.serialize(topic, announcement)));
            producer.flush();
        }
    }

    /** The latest record of one version on the models topic, read to its end. */
    private static Optional<ModelVersion> latestState(PipelineConfig config, ModelManifest manifest) {
        String key = ModelVersionKeys.key(io.d2vstreams.avro.Modality.valueOf(manifest.modality().name()), manifest.version());
        List<ModelVersion> states = new ArrayList<>();
        try (SpecificAvroDeserializer<ModelVersion> deserializer = new SpecificAvroDeserializer<>(registry, ModelVersion.class);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(config.topics().models(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(key)) {
                        states.add(deserializer.deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
        return states.isEmpty() ? Optional.empty() : Optional.of(states.get(states.size() - 1));
    }
}
