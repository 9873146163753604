package io.d2vstreams.topology;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.BrokerOptions;
import io.d2vstreams.devstack.EmbeddedKafkaBroker;
import io.d2vstreams.devstack.EmbeddedSchemaRegistry;
import io.d2vstreams.devstack.RegistryOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.schemas.WireFormat;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
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

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry down for a while, the broker and the pipeline up: events whose schema id the
 * pipeline has already resolved keep flowing, an event with an id it has not seen waits (its
 * task is retried from the last commit, never dead-lettered), and once the registry answers
 * again every event has exactly one embedding and nothing went to {@code d2v.dlq}.
 */
@DisplayName("The pipeline during a registry outage")
class RegistryOutageIT {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RegistryOutageIT.class);
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String EVENTS = TOPICS.events(Modality.TEXT);

    @TempDir
    Path dir;

    private final Map<String, Integer> embeddedCount = new HashMap<>();
    private int deadLetters;

    @Test
    @DisplayName("keeps embedding cached schemas, holds unknown ids until it is back, and dead-letters nothing")
    void registryOutage() throws Exception {
        int registryPort = freePort();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir.resolve("kafka")).port(0).build())) {
            RegistryOptions registryOptions = RegistryOptions.builder(broker.bootstrapServers()).port(registryPort).build();
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(registryOptions);
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, registry.url(),
                    PipelineConfig.TOPIC_PARTITIONS, "1",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.TEXT_BATCH_MAX_WAIT_MS, "50",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            try (SchemaRegistryClient client = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                         Map.of("schema.registry.url", registry.url())));
                 EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 KafkaProducer<String, byte[]> producer = producer(broker);
                 KafkaConsumer<String, byte[]> consumer = consumer(broker);
                 SpecificAvroDeserializer<Embedding> embeddings = new SpecificAvroDeserializer<>(client, Embedding.class)) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(client);
                consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT), TOPICS.deadLetters()));

                send(producer, serializer, "before", 0, 20);
                await("events before the outage embedded").atMost(Duration.ofSeconds(60))
                        .until(() -> drain(consumer, embeddings) >= 20);
                // A newer writer schema, registered while the registry is up but never yet read by the pipeline.
                int unseenId = client.register(EVENTS + "-value", textEventWithNote());

                registry.close();
                send(producer, serializer, "during", 0, 20);
                await("events of a cached schema id embedded during the outage").atMost(Duration.ofSeconds(60))
                        .until(() -> drain(consumer, embeddings) >= 40);
                producer.send(new ProducerRecord<>(EVENTS, "unseen", withUnseenSchema(serializer, unseenId)));
                send(producer, serializer, "behind", 0, 5);
                producer.flush();
                // Nothing may come out for the event of the unseen id while the registry is down, and
                // nothing behind it on its partition; no dead letter either. Read for a while to see.
                long quietUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (System.nanoTime() < quietUntil) {
                    drain(consumer, embeddings);
                }
                assertThat(embeddedCount).as("the unseen id waits while the registry is down").doesNotContainKey("unseen");
                assertThat(deadLetters).as("nothing dead-lettered because of the outage").isZero();

                registry = EmbeddedSchemaRegistry.start(registryOptions);
                long back = System.nanoTime();
                await("everything embedded once the registry answers").atMost(Duration.ofMinutes(2))
                        .until(() -> drain(consumer, embeddings) >= 46);
                // The failed task's thread is replaced, and its partition waits for the group to rebalance.
                log.info("event=registry_outage_recovered recovery_ms={}", Duration.ofNanos(System.nanoTime() - back).toMillis());
                long quiet = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < quiet) {
                    drain(consumer, embeddings);
                }
                assertThat(embeddedCount).as("46 events, each embedded exactly once").hasSize(46)
                        .allSatisfy((id, count) -> assertThat(count).as("embeddings of %s", id).isEqualTo(1));
                assertThat(deadLetters).as("no dead letters at all").isZero();
            } finally {
                registry.close();
            }
        }
    }

    /** TextEvent with one more optional field at the end: a compatible new writer schema. */
    private static Schema textEventWithNote() {
        return SchemaBuilder.record("TextEvent").namespace("io.d2vstreams.avro").fields()
                .requiredString("id").requiredString("text")
                .name("lang").type().optional().stringType()
                .name("timestamp_ms").type().optional().longType()
                .name("note").type().optional().stringType()
                .endRecord();
    }

    /** An event written with the schema {@code schemaId}: TextEvent's Avro body plus the union branch 0 (null) of "note". */
    private static byte[] withUnseenSchema(SpecificAvroSerializer<TextEvent> serializer, int schemaId) {
        byte[] known = serializer.serialize(EVENTS, TextEvent.newBuilder().setId("unseen").setText("written with a newer schema").build());
        ByteBuffer out = ByteBuffer.allocate(known.length + 1);
        out.put(WireFormat.MAGIC_BYTE).putInt(schemaId).put(known, WireFormat.HEADER_SIZE, known.length - WireFormat.HEADER_SIZE)
                .put((byte) 0);
        return out.array();
    }

    private static void send(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<TextEvent> serializer,
                             String prefix, int from, int count) {
        for (int i = from; i < from + count; i++) {
            String id = prefix + "-" + i;
            producer.send(new ProducerRecord<>(EVENTS, id, serializer.serialize(EVENTS,
                    TextEvent.newBuilder().setId(id).setText("a sentence about outages, number " + i).build())));
        }
        producer.flush();
    }

    private int drain(KafkaConsumer<String, byte[]> consumer, SpecificAvroDeserializer<Embedding> embeddings) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.topic().equals(TOPICS.deadLetters())) {
                deadLetters++;
            } else {
                embeddedCount.merge(embeddings.deserialize(record.topic(), record.value()).getId(), 1, Integer::sum);
            }
        }
        return embeddedCount.size();
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafkaBroker broker) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafkaBroker broker) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "registry-outage-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
