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
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** Sized for CI; a longer run: {@code mvn -pl topology -am verify -Dit.test=TextPipelineKillIT -Dd2v.kill.records=30000}. */
    private static final int RECORDS = Integer.getInteger("d2v.kill.records", 3000);
    private static final int BAD_EVERY = 25;

    /** Kept when a test fails: the children's log and the broker's data are what explain it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private ChildPipelines children;

    @AfterEach
    void killChildren() {
        if (children != null) {
            children.close();
        }
    }

    @Test
    @DisplayName("produces exactly one embedding or dead letter per input across two kill -9s")
    void exactlyOnceAcrossKills() throws Exception {
        runWithDisruptions(1, 2, stack -> {
            ChildPipelines.killHard(children.last());
            startChild(stack);
        });
        assertThat(children.all().get(0).isAlive()).as("the first child was killed").isFalse();
    }

    @Test
    @DisplayName("two instances share the partitions: one is killed -9, the other takes over, a new one joins; exactly once")
    void exactlyOnceWhenOneOfTwoInstancesIsKilled() throws Exception {
        int[] disruptions = {0};
        runWithDisruptions(2, 2, stack -> {
            if (disruptions[0]++ == 0) {
                // Its partition moves to the survivor after session.timeout.ms, under load.
                ChildPipelines.killHard(children.all().get(0));
            } else {
                startChild(stack);
            }
        });
        assertThat(children.all().get(0).isAlive()).as("the first instance was killed").isFalse();
        assertThat(children.all().get(1).isAlive()).as("the second instance survived to the end").isTrue();
    }

    @Test
    @DisplayName("three instances on three partitions, each killed -9 in turn and replaced while records flow; exactly once")
    void exactlyOnceWhenEachOfThreeInstancesIsKilledInTurn() throws Exception {
        int[] killed = {0};
        runWithDisruptions(3, 3, stack -> {
            // The oldest instance still running: the first three children, one after another.
            ChildPipelines.killHard(children.all().get(killed[0]++));
            startChild(stack);
        });
        assertThat(children.all()).as("three started, three replacements").hasSize(6);
        for (int i = 0; i < 3; i++) {
            assertThat(children.all().get(i).isAlive()).as("instance %d was killed", i).isFalse();
        }
    }

    @Test
    @DisplayName("the broker and registry stopped and restarted on the same data directory mid-stream, two instances running on; exactly once")
    void exactlyOnceAcrossABrokerRestart() throws Exception {
        runWithDisruptions(2, 1, current -> {
            current.close();
            // The children keep running: their clients retry until the broker is back on the same port.
            stack = startStack();
        });
        assertThat(children.all()).as("no instance was restarted").hasSize(2)
                .allSatisfy(child -> assertThat(child.isAlive()).as("the instance lived through the outage").isTrue());
    }

    /** What happens to the running children at each disruption point of the stream. */
    @FunctionalInterface
    private interface Disruption {
        void apply(DevStack stack) throws Exception;
    }

    /**
     * Starts {@code instances} child pipelines, produces {@link #RECORDS} inputs (every
     * {@link #BAD_EVERY}th not in the wire format), applies {@code disruption} {@code points} times,
     * evenly spread (after a third and two thirds of them for two points; once each has made
     * progress), and checks that every input has exactly one output under read_committed: an
     * embedding for a good one, a dead letter for a bad one.
     */
    private void runWithDisruptions(int instances, int points, Disruption disruption) throws Exception {
        stack = startStack();
        try (SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            children = new ChildPipelines(stack, dir);
            for (int i = 0; i < instances; i++) {
                startChild(stack);
            }
            Set<String> expectedDead = new HashSet<>();
            Set<String> expectedEmbedded = new HashSet<>();
            int schemaId = registry.register(SubjectNames.valueSubject(TOPICS.events(Modality.TEXT)), TextEvent.getClassSchema());

            try (KafkaProducer<String, byte[]> producer = TestClients.producer(stack.bootstrapServers());
                 KafkaConsumer<String, byte[]> consumer = TestClients.readCommittedConsumer(stack.bootstrapServers(),
                         "kill-test-reader")) {
                consumer.subscribe(List.of(TOPICS.embeddings(Modality.TEXT), TOPICS.deadLetters()));
                Map<String, Integer> outputs = new HashMap<>();
                for (int i = 0; i < RECORDS; i++) {
                    String id = "doc-" + i;
                    boolean bad = i % BAD_EVERY == 0;
                    byte[] value = bad ? ("not avro " + i).getBytes(StandardCharsets.UTF_8)
                            : TestClients.wireFormat(schemaId, TextEvent.newBuilder().setId(id).setText("sentence " + i + " about streams").build());
                    (bad ? expectedDead : expectedEmbedded).add(id);
                    producer.send(new ProducerRecord<>(TOPICS.events(Modality.TEXT), id, value));
                    if (i > 0 && i % (RECORDS / (points + 1)) == 0 && i / (RECORDS / (points + 1)) <= points) {
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
        } finally {
            stack.close();
        }
    }

    private DevStack stack;
    private int kafkaPort;
    private int registryPort;

    /** The broker and registry on {@code dir/stack}; again on the same ports when they ran before. */
    private DevStack startStack() {
        DevStack started = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(kafkaPort)
                .registryPort(registryPort).build());
        kafkaPort = port(started.bootstrapServers());
        registryPort = port(started.registryUrl());
        return started;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1).replaceAll("[^0-9]", ""));
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
        return children.start();
    }
}
