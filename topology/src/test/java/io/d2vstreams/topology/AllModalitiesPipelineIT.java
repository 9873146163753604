package io.d2vstreams.topology;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Text, image and audio through one running pipeline on a real broker and registry, good and
 * bad records mixed: under {@code read_committed} every input has exactly one output, in the
 * embedding topic of its modality or in {@code d2v.dlq} with the expected reason.
 */
@DisplayName("The pipeline with all three modalities at once")
class AllModalitiesPipelineIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final int GOOD_TEXT = 80;
    private static final int GOOD_IMAGES = 60;
    private static final int GOOD_CLIPS = 40;

    @TempDir
    Path dir;

    /** What each produced id must become: an embedding of its modality, or a dead letter with this reason. */
    private final Map<String, String> expected = new HashMap<>();
    private final Map<String, Integer> outputs = new HashMap<>();
    private final Map<String, String> actual = new HashMap<>();
    private final Map<Modality, Integer> samples = new EnumMap<>(Modality.class);

    @Test
    @DisplayName("gives every text, image and audio record exactly one embedding or dead letter, bad ones by reason")
    void mixedModalities() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("media"));
        Files.write(dir.resolve("outside.png"), TestMedia.png(99));
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "2",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.IMAGE_BATCH_MAX_SIZE, "8",
                    PipelineConfig.AUDIO_BATCH_MAX_SIZE, "4",
                    PipelineConfig.URI_ALLOWED_DIRS, allowed.toString(),
                    PipelineConfig.SAMPLING_IMAGE_RATE, "1.0",
                    PipelineConfig.SAMPLING_AUDIO_RATE, "1.0",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                         ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                         ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20), new StringSerializer(), new ByteArraySerializer());
                 KafkaConsumer<String, byte[]> consumer = consumer(stack);
                 SpecificAvroDeserializer<Embedding> embeddings = new SpecificAvroDeserializer<>(registry, Embedding.class);
                 SpecificAvroDeserializer<TrainingSample> trainingSamples = new SpecificAvroDeserializer<>(registry, TrainingSample.class)) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                long started = System.nanoTime();
                produceText(producer, new SpecificAvroSerializer<>(registry));
                produceImages(producer, new SpecificAvroSerializer<>(registry), allowed);
                produceAudio(producer, new SpecificAvroSerializer<>(registry));
                producer.flush();

                consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT), TOPICS.embeddings(Modality.IMAGE),
                        TOPICS.embeddings(Modality.AUDIO), TOPICS.deadLetters(), TOPICS.trainingSamples()));
                await("every input has an output").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            drain(consumer, embeddings, trainingSamples);
                            return outputs.size() >= expected.size();
                        });
                long allSeenMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                // Keep reading a little longer: a duplicate would show up now.
                long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < quietUntil) {
                    drain(consumer, embeddings, trainingSamples);
                }

                assertThat(outputs.keySet()).as("every input id has an output (all seen after %d ms)", allSeenMs)
                        .isEqualTo(expected.keySet());
                assertThat(outputs.entrySet()).filteredOn(e -> e.getValue() != 1).as("ids with other than one output")
                        .isEmpty();
                assertThat(actual).as("each record became what it should: embedding of its modality or the dead-letter reason")
                        .isEqualTo(expected);
                assertThat(countByOutcome(actual)).as("counts per outcome").isEqualTo(countByOutcome(expected));
                assertThat(samples).as("image and audio events were sampled for training")
                        .containsKeys(Modality.IMAGE, Modality.AUDIO);

                String base = "http://localhost:" + pipeline.metricsPort().orElseThrow();
                HttpClient http = HttpClient.newHttpClient();
                String health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(health).as("/health lists the three model versions")
                        .contains("\"text\":1").contains("\"image\":1").contains("\"audio\":1");
                String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).as("per-modality series")
                        .contains("d2v_model_version{modality=\"image\"} 1.0")
                        .contains("d2v_model_version{modality=\"audio\"} 1.0")
                        .contains("d2v_records_embedded_total{modality=\"image\"} 63.0")
                        .contains("d2v_records_dead_lettered_total{modality=\"text\",reason=\"TOMBSTONE\"} 1.0")
                        .contains("d2v_records_embedded_total{modality=\"audio\"} 40.0")
                        .contains("d2v_records_dead_lettered_total{modality=\"image\",reason=\"IMAGE_CORRUPT\"} 4.0")
                        .contains("d2v_records_dead_lettered_total{modality=\"audio\",reason=\"AUDIO_TOO_LONG\"} 2.0");
            }
        }
    }

    /** An input value that fits a default topic (1 MiB + 12 bytes per batch) with little room to spare. */
    private static final int NEAR_LIMIT_BYTES = 1_048_400;

    private void produceText(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<TextEvent> serializer) {
        String topic = TOPICS.events(Modality.TEXT);
        for (int i = 0; i < GOOD_TEXT; i++) {
            send(producer, topic, "text-" + i, "embedded:TEXT", serializer.serialize(topic,
                    TextEvent.newBuilder().setId("text-" + i).setText("a sentence about streams, number " + i).build()));
        }
        send(producer, topic, "text-bad-empty", "EMPTY_TEXT",
                serializer.serialize(topic, TextEvent.newBuilder().setId("text-bad-empty").setText(" ").build()));
        send(producer, topic, "text-bad-plain", "NOT_WIRE_FORMAT", "plain".getBytes(StandardCharsets.UTF_8));
        // Just under the broker's default message limit: its dead letter, the same bytes plus the
        // reason headers, is larger than the input topic would accept, and must still be written.
        byte[] nearLimit = new byte[NEAR_LIMIT_BYTES];
        java.util.Arrays.fill(nearLimit, (byte) 'x'); // not magic byte 0: not the wire format
        send(producer, topic, "text-bad-near-limit", "NOT_WIRE_FORMAT", nearLimit);
        send(producer, topic, "text-tombstone", "TOMBSTONE", null);
    }

    private void produceImages(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<ImageEvent> serializer,
                               Path allowed) throws Exception {
        String topic = TOPICS.events(Modality.IMAGE);
        for (int i = 0; i < GOOD_IMAGES; i++) {
            String id = "image-" + i;
            send(producer, topic, id, "embedded:IMAGE", image(serializer, id, TestMedia.png(i), null));
            if (i % 15 == 7) {
                String badId = "image-corrupt-" + i;
                send(producer, topic, badId, "IMAGE_CORRUPT", image(serializer, badId, TestMedia.corruptPng(), null));
            }
            if (i % 20 == 3) {
                String badId = "image-huge-" + i;
                send(producer, topic, badId, "IMAGE_TOO_MANY_PIXELS", image(serializer, badId, TestMedia.hugePngHeader(), null));
            }
        }
        // ~690 KB inline: the buffered record (bytes + original value) is over Kafka's default 1 MB
        // message limit, so this embeds only if the buffer changelog allows large records.
        byte[] large = TestMedia.noisyPng(480, 5);
        assertThat(large.length).as("large enough to need the changelog limit").isGreaterThan(600_000);
        send(producer, topic, "image-large", "embedded:IMAGE", image(serializer, "image-large", large, null));
        // Over the broker's default 1 MiB: the image input topic is created to accept image.max.bytes
        // (8 MiB) of content, so a producer meets the pipeline's limit, not the broker's.
        byte[] overOneMib = TestMedia.noisyPng(640, 6);
        assertThat(overOneMib.length).as("more than the broker's default message size").isGreaterThan(1_100_000);
        send(producer, topic, "image-over-1mib", "embedded:IMAGE", image(serializer, "image-over-1mib", overOneMib, null));
        send(producer, topic, "image-tombstone", "TOMBSTONE", null);
        Path file = Files.write(allowed.resolve("by-uri.png"), TestMedia.png(77));
        send(producer, topic, "image-uri-ok", "embedded:IMAGE", image(serializer, "image-uri-ok", null, file.toUri().toString()));
        send(producer, topic, "image-uri-outside", "URI_NOT_ALLOWED", image(serializer, "image-uri-outside", null,
                allowed.toUri() + "../outside.png"));
        send(producer, topic, "image-uri-http", "URI_NOT_ALLOWED", image(serializer, "image-uri-http", null,
                "http://example.org/cat.png"));
        send(producer, topic, "image-empty", "MISSING_CONTENT", image(serializer, "image-empty", new byte[0], null));
    }

    private void produceAudio(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<AudioEvent> serializer) {
        String topic = TOPICS.events(Modality.AUDIO);
        send(producer, topic, "audio-tombstone", "TOMBSTONE", null);
        for (int i = 0; i < GOOD_CLIPS; i++) {
            String id = "audio-" + i;
            send(producer, topic, id, "embedded:AUDIO", audio(serializer, id, TestMedia.halfSecondWav(200 + 10 * i)));
            if (i % 20 == 5) {
                String badId = "audio-long-" + i;
                send(producer, topic, badId, "AUDIO_TOO_LONG", audio(serializer, badId, TestMedia.wav(31, 8_000, 300)));
            }
            if (i % 20 == 11) {
                String badId = "audio-short-" + i;
                send(producer, topic, badId, "AUDIO_TOO_SHORT", audio(serializer, badId, TestMedia.wav(0.001, 16_000, 300)));
            }
        }
        send(producer, topic, "audio-not-wav", "UNSUPPORTED_FORMAT",
                audio(serializer, "audio-not-wav", "ID3 not a wav".getBytes(StandardCharsets.UTF_8)));
        send(producer, topic, "audio-nothing", "MISSING_CONTENT", audio(serializer, "audio-nothing", null));
    }

    private static byte[] image(SpecificAvroSerializer<ImageEvent> serializer, String id, byte[] content, String uri) {
        return serializer.serialize(TOPICS.events(Modality.IMAGE), ImageEvent.newBuilder().setId(id)
                .setContent(content == null ? null : ByteBuffer.wrap(content)).setUri(uri).build());
    }

    private static byte[] audio(SpecificAvroSerializer<AudioEvent> serializer, String id, byte[] content) {
        return serializer.serialize(TOPICS.events(Modality.AUDIO), AudioEvent.newBuilder().setId(id)
                .setContent(content == null ? null : ByteBuffer.wrap(content)).build());
    }

    private void send(KafkaProducer<String, byte[]> producer, String topic, String id, String outcome, byte[] value) {
        expected.put(id, outcome);
        producer.send(new ProducerRecord<>(topic, id, value));
    }

    private void drain(KafkaConsumer<String, byte[]> consumer, SpecificAvroDeserializer<Embedding> embeddings,
                       SpecificAvroDeserializer<TrainingSample> trainingSamples) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.topic().equals(TOPICS.trainingSamples())) {
                TrainingSample sample = trainingSamples.deserialize(record.topic(), record.value());
                samples.merge(Modality.valueOf(sample.getModality().name()), 1, Integer::sum);
                continue;
            }
            String id;
            String outcome;
            if (record.topic().equals(TOPICS.deadLetters())) {
                id = record.key();
                outcome = header(record, DeadLetterHeaders.REASON);
            } else {
                Embedding embedding = embeddings.deserialize(record.topic(), record.value());
                id = embedding.getId();
                outcome = "embedded:" + embedding.getModality().name();
                assertThat(record.topic()).as("embedding of %s in its modality's topic", id)
                        .isEqualTo(TOPICS.embeddings(Modality.valueOf(embedding.getModality().name())));
            }
            outputs.merge(id, 1, Integer::sum);
            actual.put(id, outcome);
        }
    }

    private static Map<String, Long> countByOutcome(Map<String, String> outcomes) {
        Map<String, Long> counts = new TreeMap<>();
        outcomes.values().forEach(o -> counts.merge(o, 1L, Long::sum));
        return counts;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, byte[]> consumer(DevStack stack) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "all-modalities-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
