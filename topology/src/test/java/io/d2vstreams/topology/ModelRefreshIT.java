package io.d2vstreams.topology;

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
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillWorker;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Model refresh in a running pipeline")
class ModelRefreshIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();

    @TempDir
    Path dir;

    @Test
    @DisplayName("swaps to a newly ACTIVE version mid-stream at a batch boundary, and refuses a corrupt one while serving on")
    void refreshAndRefuse() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "1",
                    PipelineConfig.TEXT_BATCH_MAX_SIZE, "8",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            ModelStore store = new ModelStore(config.modelStoreDir());
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, TOPICS.models());
                 SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                int first = pipeline.activeModel(Modality.TEXT).version();
                ModelManifest next = store.initDefault(Modality.TEXT, 99);

                String topic = TOPICS.events(Modality.TEXT);
                Outputs outputs = new Outputs(stack, registry);
                for (int i = 0; i < 300; i++) {
                    producer.send(new ProducerRecord<>(topic, "r" + i, serializer.serialize(topic,
                            TextEvent.newBuilder().setId("r" + i).setText("refresh sentence " + i).build())));
                    if (i == 100) {
                        producer.flush();
                        await("the first version embeds something").atMost(Duration.ofSeconds(60))
                                .until(() -> outputs.drain().embedded() > 0);
                        announcer.announce(active(next));
                    }
                }
                producer.flush();
                await("the pipeline serves the new version").atMost(Duration.ofSeconds(60))
                        .until(() -> pipeline.activeModel(Modality.TEXT).version() == next.version());

                // A corrupt candidate: its model file no longer matches its checksums.
                ModelManifest broken = store.initDefault(Modality.TEXT, 100);
                Path onnx = broken.directory().resolve(ModelStore.MODEL_FILE);
                byte[] bytes = Files.readAllBytes(onnx);
                bytes[bytes.length / 2] ^= 0x5a;
                Files.write(onnx, bytes);
                announcer.announce(active(broken));
                for (int i = 300; i < 340; i++) {
                    producer.send(new ProducerRecord<>(topic, "r" + i, serializer.serialize(topic,
                            TextEvent.newBuilder().setId("r" + i).setText("after the broken one " + i).build())));
                }
                producer.flush();

                await("all outputs and the rejection").atMost(Duration.ofSeconds(90)).until(() -> {
                    outputs.drain();
                    return outputs.countById.size() >= 340 && outputs.announcements.stream().anyMatch(a ->
                            a.getVersion() == broken.version() && a.getStatus() == ModelStatus.REJECTED);
                });
                outputs.close();
                List<Integer> versionsInOrder = outputs.versionsInOrder;
                List<ModelVersion> announcements = outputs.announcements;
                assertThat(outputs.countById).as("every record embedded").hasSize(340);
                assertThat(outputs.countById.values()).as("no record embedded twice").containsOnly(1);
                assertThat(versionsInOrder).as("versions only move forward, from %d to %d", first, next.version())
                        .isSortedAccordingTo(Integer::compare)
                        .contains(first, next.version())
                        .doesNotContain(broken.version());
                assertThat(versionsInOrder.subList(300, 340)).as("the corrupt version never served")
                        .containsOnly(next.version());
                assertThat(pipeline.activeModel(Modality.TEXT).version()).isEqualTo(next.version());
                ModelVersion rejection = announcements.stream().filter(a -> a.getStatus() == ModelStatus.REJECTED)
                        .findFirst().orElseThrow();
                assertThat(rejection.getReason()).as("the rejection says why").contains(ModelStore.MODEL_FILE);

                String base = "http://localhost:" + pipeline.metricsPort().orElseThrow();
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.body()).as("Prometheus series")
                        .contains("d2v_records_embedded_total{modality=\"text\"} 340.0")
                        .contains("d2v_model_version{modality=\"text\"} " + next.version() + ".0")
                        .contains("d2v_batch_size_count{modality=\"text\"}")
                        .contains("kafka_stream");
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as("health: %s", health.body()).isEqualTo(200);
                assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"text\":" + next.version());
            }
        }
    }

    private static ModelVersion active(ModelManifest manifest) {
        return ModelVersion.newBuilder()
                .setModality(io.d2vstreams.avro.Modality.valueOf(manifest.modality().name()))
                .setModel(manifest.name()).setVersion(manifest.version())
                .setUri(manifest.modality().name().toLowerCase() + "/v" + manifest.version())
                .setSha256(manifest.digest()).setDim(manifest.dim()).setStatus(ModelStatus.ACTIVE)
                .setCreatedAtMs(System.currentTimeMillis()).build();
    }

    /** Everything read so far from the embeddings and models topics, in order. */
    private static final class Outputs implements AutoCloseable {
        final List<Integer> versionsInOrder = new ArrayList<>();
        final Map<String, Integer> countById = new HashMap<>();
        final List<ModelVersion> announcements = new ArrayList<>();
        int backfilled;
        private final KafkaConsumer<String, byte[]> consumer;
        private final SpecificAvroDeserializer<Embedding> embeddings;
        private final SpecificAvroDeserializer<ModelVersion> models;

        Outputs(DevStack stack, SchemaRegistryClient registry) {
            consumer = consumer(stack);
            consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT), TOPICS.models()));
            embeddings = new SpecificAvroDeserializer<>(registry, Embedding.class);
            models = new SpecificAvroDeserializer<>(registry, ModelVersion.class);
        }

        Outputs drain() {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.topic().equals(TOPICS.models())) {
                    announcements.add(models.deserialize(record.topic(), record.value()));
                } else if (record.headers().lastHeader(BackfillWorker.HEADER) != null) {
                    // The backfill's re-embedding of the records before the swap (BackfillIT's subject), not the live path's.
                    backfilled++;
                } else {
                    Embedding e = embeddings.deserialize(record.topic(), record.value());
                    versionsInOrder.add(e.getModelVersion());
                    countById.merge(e.getId(), 1, Integer::sum);
                }
            }
            return this;
        }

        int embedded() {
            return versionsInOrder.size();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(DevStack stack) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "refresh-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
