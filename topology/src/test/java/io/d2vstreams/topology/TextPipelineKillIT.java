package io.d2vstreams.topology;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SubjectNames;
import io.d2vstreams.schemas.WireFormat;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
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
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The text slice through a real broker and registry, with the pipeline in a child JVM that
 * is killed with {@code kill -9} while batches are buffered and restarted: every input still
 * has exactly one output (an embedding or a dead letter) under {@code read_committed}.
 */
@DisplayName("The text pipeline, killed and restarted mid-stream")
class TextPipelineKillIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final int RECORDS = 3000;
    private static final int BAD_EVERY = 25;

    @TempDir
    Path dir;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    @DisplayName("produces exactly one embedding or dead letter per input across two kill -9s")
    void exactlyOnceAcrossKills() throws Exception {
        runWithDisruptions(1, stack -> {
            killHard(children.get(children.size() - 1));
            startChild(stack);
        });
    }

    @Test
    @DisplayName("two instances share the partitions: one is killed -9, the other takes over, a new one joins; exactly once")
    void exactlyOnceWhenOneOfTwoInstancesIsKilled() throws Exception {
        int[] disruptions = {0};
        runWithDisruptions(2, stack -> {
            if (disruptions[0]++ == 0) {
                // Its partition moves to the survivor after session.timeout.ms, under load.
                killHard(children.get(0));
            } else {
                startChild(stack);
            }
        });
        assertThat(children.get(0).isAlive()).as("the first instance was killed").isFalse();
        assertThat(children.get(1).isAlive()).as("the second instance survived to the end").isTrue();
    }

    /** What happens to the running children at each third of the stream. */
    @FunctionalInterface
    private interface Disruption {
        void apply(DevStack stack) throws Exception;
    }

    /**
     * Starts {@code instances} child pipelines, produces {@link #RECORDS} inputs (every
     * {@link #BAD_EVERY}th not in the wire format), applies {@code disruption} after a third and
     * after two thirds of them (once each has made progress), and checks that every input has
     * exactly one output under read_committed: an embedding for a good one, a dead letter for a bad one.
     */
    private void runWithDisruptions(int instances, Disruption disruption) throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            for (int i = 0; i < instances; i++) {
                startChild(stack);
            }
            Set<String> expectedDead = new HashSet<>();
            Set<String> expectedEmbedded = new HashSet<>();
            int schemaId = registry.register(SubjectNames.valueSubject(TOPICS.events(Modality.TEXT)), TextEvent.getClassSchema());

            try (KafkaProducer<String, byte[]> producer = producer(stack);
                 KafkaConsumer<String, byte[]> consumer = consumer(stack)) {
                consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT), TOPICS.deadLetters()));
                Map<String, Integer> outputs = new HashMap<>();
                for (int i = 0; i < RECORDS; i++) {
                    String id = "doc-" + i;
                    boolean bad = i % BAD_EVERY == 0;
                    byte[] value = bad ? ("not avro " + i).getBytes(StandardCharsets.UTF_8)
                            : wireFormat(schemaId, TextEvent.newBuilder().setId(id).setText("sentence " + i + " about streams").build());
                    (bad ? expectedDead : expectedEmbedded).add(id);
                    producer.send(new ProducerRecord<>(TOPICS.events(Modality.TEXT), id, value));
                    if (i == RECORDS / 3 || i == 2 * RECORDS / 3) {
                        producer.flush();
                        awaitSomeOutput(consumer, outputs);
                        disruption.apply(stack);
                    }
                }
                producer.flush();

                await("every input has an output").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            drain(consumer, outputs);
                            return outputs.size() >= RECORDS;
                        });
                // Keep reading a little longer: a duplicate would show up now.
                long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < quietUntil) {
                    drain(consumer, outputs);
                }

                assertThat(outputs.keySet()).as("every input id has an output").hasSize(RECORDS);
                assertThat(outputs.entrySet()).filteredOn(e -> e.getValue() != 1).as("ids with other than one output")
                        .isEmpty();
                assertThat(deadIds).as("the bad records, and only those, were dead-lettered").isEqualTo(expectedDead);
                assertThat(embeddedIds).as("the good records, and only those, were embedded").isEqualTo(expectedEmbedded);
            }
            assertThat(children.get(0).isAlive()).as("the first child was killed").isFalse();
        }
    }

    private final Set<String> deadIds = new HashSet<>();
    private final Set<String> embeddedIds = new HashSet<>();
    private SpecificAvroDeserializer<Embedding> embeddings;

    private void drain(KafkaConsumer<String, byte[]> consumer, Map<String, Integer> outputs) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            String id;
            if (record.topic().equals(TOPICS.deadLetters())) {
                id = record.key();
                deadIds.add(id);
            } else {
                id = embeddings.deserialize(record.topic(), record.value()).getId();
                assertThat(record.key()).as("embedding key is the event id").isEqualTo(id);
                embeddedIds.add(id);
            }
            outputs.merge(id, 1, Integer::sum);
        }
    }

    private void awaitSomeOutput(KafkaConsumer<String, byte[]> consumer, Map<String, Integer> outputs) {
        int before = outputs.size();
        await("the pipeline makes progress before it is killed").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    drain(consumer, outputs);
                    return outputs.size() > before;
                });
    }

    private Process startChild(DevStack stack) throws IOException {
        if (embeddings == null) {
            embeddings = new SpecificAvroDeserializer<>(new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                    Map.of("schema.registry.url", stack.registryUrl()))), Embedding.class);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                PipelineChildProcess.class.getName(), stack.bootstrapServers(), stack.registryUrl(),
                dir.resolve("models").toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child-stderr.log").toFile()))
                .start();
        children.add(process);
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.equals(PipelineChildProcess.READY_LINE)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        await("child pipeline RUNNING").atMost(Duration.ofMinutes(2)).until(ready::isDone);
        assertThat(ready.join()).as("child pipeline started; see %s", dir.resolve("child-stderr.log")).isTrue();
        return process;
    }

    /** SIGKILL: no shutdown hook, no commit, no close. */
    private static void killHard(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("child died").isTrue();
    }

    private static KafkaProducer<String, byte[]> producer(DevStack stack) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(DevStack stack) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "kill-test-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The Confluent wire format by hand, as any client would write it: magic byte, big-endian id, Avro binary. */
    private static byte[] wireFormat(int schemaId, TextEvent event) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(WireFormat.MAGIC_BYTE);
        bytes.write(new byte[]{(byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(TextEvent.class).write(event, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }
}
