package io.d2vstreams.devstack;

import io.d2vstreams.devstack.internal.kafka.BrokerProperties;
import io.d2vstreams.devstack.internal.kafka.FreePorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.d2vstreams.devstack.KafkaClients.pollValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker killed with {@code kill -9} while a transaction is open, then started again on the
 * same data directory and port, as {@code d2v up} is: the open transaction must be aborted and
 * {@code read_committed} readers must get past it. With a short check for timed-out transactions
 * (1 s here, which Kafka 4.3 alone turns into a transaction that hangs for good) the broker's
 * start-up repair is what releases the partitions.
 */
@DisplayName("EmbeddedKafkaBroker restarted after kill -9 mid-transaction")
class UncleanRestartTest {
    private static final String TOPIC = "crashed";
    private static final int PARTITIONS = 3;
    private static final String READY = "transaction-open";

    @TempDir
    Path dir;

    @Test
    @DisplayName("the killed run's open transaction is aborted on every partition; committed records stay readable")
    void releasesTheKilledRunsOpenTransaction() throws Exception {
        Path data = dir.resolve("kafka");
        int port = FreePorts.pick(BrokerOptions.DEFAULT_HOST);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), OpenTransactionThenWait.class.getName(),
                data.toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        try {
            awaitLine(child, READY);
        } finally {
            child.destroyForcibly(); // SIGKILL: broker and producer die together, the transaction open
            child.waitFor(30, TimeUnit.SECONDS);
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(data).port(port)
                .property(BrokerProperties.ABORT_CHECK_INTERVAL_MS, "1000").build());
             Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
            await("the last stable offset reaches the end of every partition").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(offsets(admin, partitions, IsolationLevel.READ_COMMITTED))
                            .as("last stable offsets vs. high watermarks")
                            .isEqualTo(offsets(admin, partitions, IsolationLevel.READ_UNCOMMITTED)));
            try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(broker.bootstrapServers(), "after", true)) {
                consumer.subscribe(List.of(TOPIC));
                assertThat(pollValues(consumer, PARTITIONS)).as("read_committed after the restart")
                        .containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2");
            }
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, IsolationLevel isolation)
            throws Exception {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static void awaitLine(Process child, String line) throws Exception {
        StringBuilder output = new StringBuilder();
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (String read; System.nanoTime() < deadline && (read = reader.readLine()) != null; ) {
            output.append(read).append('\n');
            if (read.equals(line)) {
                return;
            }
        }
        throw new AssertionError("the child never printed " + line + "; its output:\n" + output);
    }

    /** Child JVM: a broker, one committed transaction, then one left open on every partition until killed. */
    public static final class OpenTransactionThenWait {
        public static void main(String[] args) throws Exception {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(Path.of(args[0]))
                    .port(Integer.parseInt(args[1])).build());
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Map<String, Object> config = new HashMap<>();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "crashing-producer");
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 1000); // long timed out when the broker is back
            KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
            producer.initTransactions();
            producer.beginTransaction();
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(TOPIC, p, "k", "committed-" + p));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(TOPIC, p, "k", "open-" + p));
            }
            producer.flush();
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
