package io.d2vstreams.topology;

import org.junit.jupiter.api.Test;
import io.d2vstreams.topology.backfill.BackfillControl;
import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.BackfillKind;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillWorker;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Backfill after a model refresh")
class BackfillIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();

    @TempDir
    Path dir;

    /**
     * One modality's run: how many inputs before the swap and after it. Text's encoder is the fastest;
     * images and clips are fewer, sized for CI on 2 cores, and still at least two backfill transactions
     * a partition (BACKFILL_BATCH_SIZE below).
     */
    record Case(Modality modality, int before, int after) {
        @Override
        public String toString() {
            return modality.folderName() + ": " + before + " inputs before the swap, " + after + " after";
        }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case(Modality.TEXT, 240, 120), new Case(Modality.IMAGE, 40, 20),
                new Case(Modality.AUDIO, 40, 20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @DisplayName("after the cut-over every input, before and after the swap, has exactly one embedding of the new version, and the old ones are untouched")
    void backfillsHistoryAndSignalsTheCutOver(Case c) throws Exception {
        Modality modality = c.modality();
        String embeddings = TOPICS.embeddings(modality);
        int before = c.before();
        int after = c.after();
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "2",
                    PipelineConfig.TEXT_BATCH_MAX_SIZE, "16",
                    PipelineConfig.SAMPLING_ENABLED, "false",
                    PipelineConfig.METRICS_PORT, "-1",
                    PipelineConfig.BACKFILL_BATCH_SIZE, "16",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            ModelStore store = new ModelStore(config.modelStoreDir());
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, TOPICS.models());
                 Events sender = new Events(registry, modality);
                 KafkaProducer<String, byte[]> producer = TestClients.producer(stack.bootstrapServers());
                 Reader reader = new Reader(stack, registry, modality)) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                int v1 = pipeline.activeModel(modality).version();
                for (int i = 0; i < before; i++) {
                    sender.send(producer, "r" + i, i);
                }
                producer.flush();
                await("the first version embeds the first records").atMost(Duration.ofSeconds(90))
                        .until(() -> reader.drain().byVersion(v1).size() >= before);
                ModelManifest next = store.initDefault(modality, 99);
                int v2 = next.version();
                announcer.announce(active(next));
                for (int i = before; i < before + after; i++) {
                    sender.send(producer, "r" + i, i);
                    if (i % 40 == 0) {
                        producer.flush();
                    }
                }
                producer.flush();

                AtomicReference<BackfillEvent> cutOver = new AtomicReference<>();
                await("the cut-over of v" + v2).atMost(Duration.ofSeconds(120)).until(() -> {
                    reader.drain();
                    cutOver.set(reader.cutOver(v2).orElse(null));
                    return cutOver.get() != null;
                });
                BackfillEvent marker = cutOver.get();
                assertThat(marker.getEmbeddingTopic()).isEqualTo(embeddings);
                assertThat(marker.getInputEndOffsets()).as("one swap point per input partition").containsOnlyKeys("0", "1");

                // The contract: having read the embedding topic up to the marker's offsets, a reader holds a
                // v2 embedding of every input below the swap points.
                await("read up to the marker's embedding offsets").atMost(Duration.ofSeconds(30))
                        .until(() -> reader.drain().reached(marker.getEmbeddingEndOffsets()));
                for (Map.Entry<String, Long> end : marker.getInputEndOffsets().entrySet()) {
                    int partition = Integer.parseInt(end.getKey());
                    for (long offset = 0; offset < end.getValue(); offset++) {
                        assertThat(reader.versionsAt(partition, offset)).as("input %d/%d below its swap point", partition, offset)
                                .contains(v2);
                    }
                }

                await("every input has a v2 embedding").atMost(Duration.ofSeconds(60))
                        .until(() -> reader.drain().byVersion(v2).size() >= before + after);
                // Let anything late (a duplicate would be) arrive before counting.
                sender.send(producer, "last", before + after);
                producer.flush();
                await("the last record").atMost(Duration.ofSeconds(30)).until(() -> reader.drain().byVersion(v2).containsKey("last"));

                Map<String, Integer> v2Counts = reader.byVersion(v2);
                Map<String, Integer> v1Counts = reader.byVersion(v1);
                assertThat(v2Counts).as("every input has a v2 embedding").hasSize(before + after + 1);
                assertThat(v2Counts.values()).as("exactly one v2 embedding each").containsOnly(1);
                assertThat(v1Counts.values()).as("v1 embeddings are never duplicated").containsOnly(1);
                assertThat(v1Counts).as("the records before the swap keep their v1 embedding")
                        .containsKeys(ids(0, before));
                assertThat(reader.embeddings).as("every embedding is of %s", modality)
                        .allSatisfy(e -> assertThat(e.getModality().name()).isEqualTo(modality.name()));
                assertThat(reader.backfilled).as("backfilled embeddings are marked, all of v2").isNotEmpty()
                        .allSatisfy(e -> assertThat(e.getModelVersion()).isEqualTo(v2));
                assertThat((long) reader.backfilled.size()).as("the backfill re-embedded the inputs below the swap points")
                        .isEqualTo(marker.getInputEndOffsets().values().stream().mapToLong(Long::longValue).sum())
                        .isEqualTo(marker.getRecords());
                assertThat(reader.progress).as("progress was published while it ran").isNotEmpty();
            }
        }
    }

    @Test
    @DisplayName("a request's from_offsets bound the backfill: inputs below them get no new embedding, and the cut-over names the bounds")
    void requestedBoundsLimitTheBackfill() throws Exception {
        int records = 120;
        long bound = 20;
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "2",
                    PipelineConfig.TEXT_BATCH_MAX_SIZE, "16",
                    PipelineConfig.SAMPLING_ENABLED, "false",
                    PipelineConfig.METRICS_PORT, "-1",
                    PipelineConfig.BACKFILL_AUTO, "false",
                    PipelineConfig.BACKFILL_BATCH_SIZE, "16",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            ModelStore store = new ModelStore(config.modelStoreDir());
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, TOPICS.models());
                 Events sender = new Events(registry, Modality.TEXT);
                 KafkaProducer<String, byte[]> producer = TestClients.producer(stack.bootstrapServers());
                 Reader reader = new Reader(stack, registry, Modality.TEXT);
                 BackfillControl control = new BackfillControl(config.clientProperties(), registry, TOPICS)) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                int v1 = pipeline.activeModel(Modality.TEXT).version();
                for (int i = 0; i < records; i++) {
                    sender.send(producer, "r" + i, i);
                }
                producer.flush();
                await("v1 embeds every record").atMost(Duration.ofSeconds(90))
                        .until(() -> reader.drain().byVersion(v1).size() >= records);
                ModelManifest next = store.initDefault(Modality.TEXT, 99);
                int v2 = next.version();
                announcer.announce(active(next));
                await("both partitions swap to v2").atMost(Duration.ofSeconds(60))
                        .until(() -> control.read().plans(Modality.TEXT, v2, 2).isPresent());
                control.request(Modality.TEXT, v2, Map.of(0, bound, 1, bound));

                AtomicReference<BackfillEvent> cutOver = new AtomicReference<>();
                await("the cut-over of v" + v2).atMost(Duration.ofSeconds(120)).until(() -> {
                    reader.drain();
                    cutOver.set(reader.cutOver(v2).orElse(null));
                    return cutOver.get() != null;
                });
                BackfillEvent marker = cutOver.get();
                assertThat(marker.getFromOffsets()).as("the bounds the backfill used")
                        .containsExactlyInAnyOrderEntriesOf(Map.of("0", bound, "1", bound));
                await("read up to the marker's embedding offsets").atMost(Duration.ofSeconds(30))
                        .until(() -> reader.drain().reached(marker.getEmbeddingEndOffsets()));
                long expected = 0;
                for (Map.Entry<String, Long> end : marker.getInputEndOffsets().entrySet()) {
                    int partition = Integer.parseInt(end.getKey());
                    assertThat(end.getValue()).as("partition %d holds more than the bound", partition).isGreaterThan(bound);
                    for (long offset = 0; offset < end.getValue(); offset++) {
                        List<Integer> versions = reader.versionsAt(partition, offset);
                        if (offset < bound) {
                            assertThat(versions).as("input %d/%d below the bound", partition, offset).containsExactly(v1);
                        } else {
                            assertThat(versions).as("input %d/%d from the bound on", partition, offset).containsExactly(v1, v2);
                        }
                    }
                    expected += end.getValue() - bound;
                }
                assertThat((long) reader.backfilled.size()).as("backfilled: from the bounds to the swap points")
                        .isEqualTo(expected).isEqualTo(marker.getRecords());
            }
        }
    }

    private static String[] ids(int from, int to) {
        String[] ids = new String[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = "r" + i;
        }
        return ids;
    }

    /** Writes events of one modality: a sentence, a small PNG or a half-second clip, varied by {@code i}. */
    static final class Events implements AutoCloseable {
        private final Modality modality;
        private final String topic;
        private final SpecificAvroSerializer<SpecificRecord> serializer;

        Events(SchemaRegistryClient registry, Modality modality) {
            this.modality = modality;
            this.topic = TOPICS.events(modality);
            this.serializer = new SpecificAvroSerializer<>(registry);
        }

        void send(KafkaProducer<String, byte[]> producer, String id, int i) {
            SpecificRecord event = switch (modality) {
                case TEXT -> TextEvent.newBuilder().setId(id).setText("backfill sentence number " + i).build();
                case IMAGE -> ImageEvent.newBuilder().setId(id).setContent(ByteBuffer.wrap(TestMedia.png(i)))
                        .setMime("image/png").build();
                case AUDIO -> AudioEvent.newBuilder().setId(id).setContent(ByteBuffer.wrap(TestMedia.halfSecondWav(200 + 10 * i)))
                        .setMime("audio/wav").build();
            };
            producer.send(new ProducerRecord<>(topic, id, serializer.serialize(topic, event)));
        }

        @Override
        public void close() {
            serializer.close();
        }
    }

    static ModelVersion active(ModelManifest manifest) {
        return ModelVersion.newBuilder()
                .setModality(io.d2vstreams.avro.Modality.valueOf(manifest.modality().name()))
                .setModel(manifest.name()).setVersion(manifest.version())
                .setUri(manifest.modality().folderName() + "/v" + manifest.version())
                .setSha256(manifest.digest()).setDim(manifest.dim()).setStatus(ModelStatus.ACTIVE)
                .setCreatedAtMs(System.currentTimeMillis()).build();
    }

    /** Everything read so far, read_committed, from one modality's embeddings and d2v.backfill. */
    static final class Reader implements AutoCloseable {
        final Map<Integer, Map<String, Integer>> countsByVersion = new HashMap<>();
        final List<Embedding> embeddings = new ArrayList<>();
        final Map<String, List<Integer>> versionsBySource = new HashMap<>();
        final List<Embedding> backfilled = new ArrayList<>();
        final List<BackfillEvent> progress = new ArrayList<>();
        final Map<Integer, BackfillEvent> cutOvers = new HashMap<>();
        private final Modality modality;
        private final String embeddingTopic;
        private final KafkaConsumer<String, byte[]> consumer;
        private final SpecificAvroDeserializer<Embedding> embeddingValues;
        private final SpecificAvroDeserializer<BackfillEvent> events;

        Reader(DevStack stack, SchemaRegistryClient registry, Modality modality) {
            this.modality = modality;
            embeddingTopic = TOPICS.embeddings(modality);
            consumer = TestClients.readCommittedConsumer(stack.bootstrapServers(), "backfill-reader");
            consumer.subscribe(List.of(embeddingTopic, TOPICS.backfill()));
            embeddingValues = new SpecificAvroDeserializer<>(registry, Embedding.class);
            events = new SpecificAvroDeserializer<>(registry, BackfillEvent.class);
        }

        Reader drain() {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.topic().equals(TOPICS.backfill())) {
                    BackfillEvent event = events.deserialize(record.topic(), record.value());
                    if (!event.getModality().name().equals(modality.name())) {
                        continue; // the other modalities' first swap points and empty cut-overs
                    }
                    if (event.getKind() == BackfillKind.CUT_OVER) {
                        cutOvers.put(event.getVersion(), event);
                    } else if (event.getKind() == BackfillKind.PROGRESS) {
                        progress.add(event);
                    }
                    continue;
                }
                Embedding e = embeddingValues.deserialize(record.topic(), record.value());
                embeddings.add(e);
                countsByVersion.computeIfAbsent(e.getModelVersion(), v -> new HashMap<>()).merge(e.getId(), 1, Integer::sum);
                versionsBySource.computeIfAbsent(e.getSourcePartition() + "/" + e.getSourceOffset(), k -> new ArrayList<>())
                        .add(e.getModelVersion());
                if (record.headers().lastHeader(BackfillWorker.HEADER) != null) {
                    backfilled.add(e);
                }
            }
            return this;
        }

        Map<String, Integer> byVersion(int version) {
            return countsByVersion.getOrDefault(version, Map.of());
        }

        List<Integer> versionsAt(int partition, long offset) {
            return versionsBySource.getOrDefault(partition + "/" + offset, List.of());
        }

        Optional<BackfillEvent> cutOver(int version) {
            return Optional.ofNullable(cutOvers.get(version));
        }

        /** Whether this reader's position on every embedding partition is at or past {@code ends}. */
        boolean reached(Map<String, Long> ends) {
            for (Map.Entry<String, Long> end : ends.entrySet()) {
                TopicPartition tp = new TopicPartition(embeddingTopic, Integer.parseInt(end.getKey()));
                if (!consumer.assignment().contains(tp) || consumer.position(tp) < end.getValue()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
