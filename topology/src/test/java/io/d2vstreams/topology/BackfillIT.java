package io.d2vstreams.topology;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.BackfillKind;
import io.d2vstreams.avro.Embedding;
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
import io.d2vstreams.topology.backfill.BackfillWorker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Backfill after a model refresh")
class BackfillIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String EVENTS = TOPICS.events(Modality.TEXT);
    private static final String EMBEDDINGS = TOPICS.embeddings(Modality.TEXT);
    private static final int BEFORE = 240;
    private static final int AFTER = 120;

    @TempDir
    Path dir;

    @Test
    @DisplayName("after the cut-over every input, before and after the swap, has exactly one embedding of the new version, and the old ones are untouched")
    void backfillsHistoryAndSignalsTheCutOver() throws Exception {
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
                 SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry);
                 KafkaProducer<String, byte[]> producer = TestClients.producer(stack.bootstrapServers());
                 Reader reader = new Reader(stack, registry)) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                int v1 = pipeline.activeModel(Modality.TEXT).version();
                for (int i = 0; i < BEFORE; i++) {
                    send(producer, serializer, i);
                }
                producer.flush();
                await("the first version embeds the first records").atMost(Duration.ofSeconds(90))
                        .until(() -> reader.drain().byVersion(v1).size() >= BEFORE);
                ModelManifest next = store.initDefault(Modality.TEXT, 99);
                int v2 = next.version();
                announcer.announce(active(next));
                for (int i = BEFORE; i < BEFORE + AFTER; i++) {
                    send(producer, serializer, i);
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
                assertThat(marker.getEmbeddingTopic()).isEqualTo(EMBEDDINGS);
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
                        .until(() -> reader.drain().byVersion(v2).size() >= BEFORE + AFTER);
                // Let anything late (a duplicate would be) arrive before counting.
                producer.send(new ProducerRecord<>(EVENTS, "last", serializer.serialize(EVENTS,
                        TextEvent.newBuilder().setId("last").setText("the last one").build()))).get();
                await("the last record").atMost(Duration.ofSeconds(30)).until(() -> reader.drain().byVersion(v2).containsKey("last"));

                Map<String, Integer> v2Counts = reader.byVersion(v2);
                Map<String, Integer> v1Counts = reader.byVersion(v1);
                assertThat(v2Counts).as("every input has a v2 embedding").hasSize(BEFORE + AFTER + 1);
                assertThat(v2Counts.values()).as("exactly one v2 embedding each").containsOnly(1);
                assertThat(v1Counts.values()).as("v1 embeddings are never duplicated").containsOnly(1);
                assertThat(v1Counts).as("the records before the swap keep their v1 embedding")
                        .containsKeys(ids(0, BEFORE));
                assertThat(reader.backfilled).as("backfilled embeddings are marked, all of v2").isNotEmpty()
                        .allSatisfy(e -> assertThat(e.getModelVersion()).isEqualTo(v2));
                assertThat((long) reader.backfilled.size()).as("the backfill re-embedded the inputs below the swap points")
                        .isEqualTo(marker.getInputEndOffsets().values().stream().mapToLong(Long::longValue).sum())
                        .isEqualTo(marker.getRecords());
                assertThat(reader.progress).as("progress was published while it ran").isNotEmpty();
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

    private static void send(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<TextEvent> serializer, int i) {
        producer.send(new ProducerRecord<>(EVENTS, "r" + i, serializer.serialize(EVENTS,
                TextEvent.newBuilder().setId("r" + i).setText("backfill sentence number " + i).build())));
    }

    static ModelVersion active(ModelManifest manifest) {
        return ModelVersion.newBuilder()
                .setModality(io.d2vstreams.avro.Modality.valueOf(manifest.modality().name()))
                .setModel(manifest.name()).setVersion(manifest.version())
                .setUri(manifest.modality().folderName() + "/v" + manifest.version())
                .setSha256(manifest.digest()).setDim(manifest.dim()).setStatus(ModelStatus.ACTIVE)
                .setCreatedAtMs(System.currentTimeMillis()).build();
    }

    /** Everything read so far, read_committed, from the text embeddings and d2v.backfill. */
    static final class Reader implements AutoCloseable {
        final Map<Integer, Map<String, Integer>> countsByVersion = new HashMap<>();
        final Map<String, List<Integer>> versionsBySource = new HashMap<>();
        final List<Embedding> backfilled = new ArrayList<>();
        final List<BackfillEvent> progress = new ArrayList<>();
        final Map<Integer, BackfillEvent> cutOvers = new HashMap<>();
        private final KafkaConsumer<String, byte[]> consumer;
        private final SpecificAvroDeserializer<Embedding> embeddings;
        private final SpecificAvroDeserializer<BackfillEvent> events;

        Reader(DevStack stack, SchemaRegistryClient registry) {
            consumer = TestClients.readCommittedConsumer(stack.bootstrapServers(), "backfill-reader");
            consumer.subscribe(List.of(EMBEDDINGS, TOPICS.backfill()));
            embeddings = new SpecificAvroDeserializer<>(registry, Embedding.class);
            events = new SpecificAvroDeserializer<>(registry, BackfillEvent.class);
        }

        Reader drain() {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.topic().equals(TOPICS.backfill())) {
                    BackfillEvent event = events.deserialize(record.topic(), record.value());
                    if (event.getKind() == BackfillKind.CUT_OVER) {
                        cutOvers.put(event.getVersion(), event);
                    } else if (event.getKind() == BackfillKind.PROGRESS) {
                        progress.add(event);
                    }
                    continue;
                }
                Embedding e = embeddings.deserialize(record.topic(), record.value());
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
                TopicPartition tp = new TopicPartition(EMBEDDINGS, Integer.parseInt(end.getKey()));
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
