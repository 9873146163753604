package io.d2vstreams.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.d2vstreams.devstack.KafkaClients.pollValues;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("EmbeddedKafkaBroker")
class EmbeddedKafkaBrokerTest {

    @TempDir
    static Path sharedDir;

    /** One broker for the tests that do not restart it: a cold start costs seconds. */
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(sharedDir.resolve("kafka")).port(0).build());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @DisplayName("a record produced to a new topic is consumed back, on the port actually bound")
    void producesAndConsumes() throws Exception {
        assertThat(broker.bootstrapServers()).as("bootstrap servers name the bound port, not 0")
            .startsWith("localhost:").doesNotEndWith(":0");
        assertThat(broker.internalBootstrapServers()).as("without SASL_SSL, the broker's own listener is the client one")
            .isEqualTo(broker.bootstrapServers());
        try (KafkaProducer<String, String> producer = KafkaClients.producer(broker.bootstrapServers())) {
            producer.send(new ProducerRecord<>("plain", "k1", "hello")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), "plain-reader", false)) {
            consumer.subscribe(List.of("plain"));
            assertThat(pollValues(consumer, 1)).as("values read back from topic 'plain'").containsExactly("hello");
        }
    }

    @Test
    @DisplayName("a read_committed consumer sees committed transactions and never an aborted one")
    void transactionsCommitAndAbort() throws Exception {
        createTopic(broker, "tx");
        try (KafkaProducer<String, String> producer = KafkaClients.transactionalProducer(broker.bootstrapServers(), "tx-test")) {
            producer.initTransactions();
            sendInTransaction(producer, "tx", "committed-1");
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
            sendInTransaction(producer, "tx", "committed-2");
        }
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), "tx-reader", true)) {
            consumer.subscribe(List.of("tx"));
            // committed-2 comes after the aborted record, so once it is read the aborted one would have been too.
            assertThat(pollValues(consumer, 2)).as("values a read_committed consumer reads from 'tx'")
                .containsExactly("committed-1", "committed-2");
        }
    }

    @Test
    @DisplayName("a broker restarted on the same directory keeps its topics, committed transactions and consumer offsets")
    void restartKeepsState(@TempDir Path dir) throws Exception {
        BrokerOptions options = BrokerOptions.builder(dir).port(0).build();
        TopicPartition partition = new TopicPartition("durable", 0);
        String clusterId;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(options)) {
            clusterId = first.clusterId();
            createTopic(first, "durable");
            try (KafkaProducer<String, String> producer = KafkaClients.transactionalProducer(first.bootstrapServers(), "durable-tx")) {
                producer.initTransactions();
                sendInTransaction(producer, "durable", "a");
                sendInTransaction(producer, "durable", "b");
            }
            try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(first.bootstrapServers(), "durable-group", true)) {
                consumer.subscribe(List.of("durable"));
                assertThat(pollValues(consumer, 2)).as("values before the restart").containsExactly("a", "b");
                consumer.commitSync();
            }
        }

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(options);
             Admin admin = KafkaClients.admin(second.bootstrapServers())) {
            assertThat(second.clusterId()).as("cluster id after the restart").isEqualTo(clusterId);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("topics after the restart").contains("durable");
            Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets("durable-group").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(offsets.get(partition)).as("committed offset of durable-group after the restart").isNotNull();
            // a@0, commit marker@1, b@2, marker@3: the position is past b (3), or past its marker too (4).
            assertThat(offsets.get(partition).offset()).as("committed offset of durable-group after the restart").isBetween(3L, 4L);
            try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(second.bootstrapServers(), "fresh-group", true)) {
                consumer.subscribe(List.of("durable"));
                assertThat(pollValues(consumer, 2)).as("committed transactional values after the restart").containsExactly("a", "b");
            }
        }
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String topic, String value) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, "k", value));
        producer.commitTransaction();
    }

    private static void createTopic(EmbeddedKafkaBroker target, String topic) throws Exception {
        try (Admin admin = KafkaClients.admin(target.bootstrapServers())) {
            admin.createTopics(Set.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
