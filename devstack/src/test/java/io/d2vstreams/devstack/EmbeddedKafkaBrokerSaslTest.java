package io.d2vstreams.devstack;

import static io.d2vstreams.devstack.KafkaClients.pollValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("EmbeddedKafkaBroker with a SASL_SSL listener and SCRAM users")
class EmbeddedKafkaBrokerSaslTest {

    private static final String ALICE_PASSWORD = "alice-wonderland-1";
    private static final String BOB_PASSWORD = "bob-builder-2";

    @TempDir
    static Path sharedDir;

    private static SelfSignedCertificate certificate;
    /** One secured broker for the tests that do not restart it: a cold start costs seconds. */
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        certificate = SelfSignedCertificate.generate(sharedDir.resolve("certs"));
        broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(sharedDir.resolve("kafka")).port(0)
            .saslSsl(SaslSslListener.builder(certificate.keyStore(), certificate.password())
                .user("alice", ALICE_PASSWORD).user("bob", BOB_PASSWORD).build())
            .build());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @DisplayName("a user's credentials produce and consume, with SCRAM-SHA-512 and SCRAM-SHA-256, transactions included")
    void authenticatedClientsWork() throws Exception {
        createTopic("secured");
        Map<String, Object> alice = secured("alice", ALICE_PASSWORD, "SCRAM-SHA-512");
        Map<String, Object> bob = secured("bob", BOB_PASSWORD, "SCRAM-SHA-256");
        try (KafkaProducer<String, String> producer = producer(alice)) {
            producer.send(new ProducerRecord<>("secured", "k", "by-alice")).get(30, TimeUnit.SECONDS);
        }
        // A committed transaction needs the coordinator's markers, which travel over the internal listener.
        Map<String, Object> transactional = new HashMap<>(bob);
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sasl-tx");
        try (KafkaProducer<String, String> producer = producer(transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("secured", "k", "by-bob-in-a-transaction"));
            producer.commitTransaction();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bob, "secured-reader")) {
            consumer.subscribe(List.of("secured"));
            assertThat(pollValues(consumer, 2)).as("values read back over SASL_SSL with read_committed")
                .containsExactly("by-alice", "by-bob-in-a-transaction");
        }
    }

    @Test
    @DisplayName("a wrong password, an unknown user, no trust store and a PLAINTEXT client are refused, and write nothing")
    void refusesEveryUnauthenticatedClient() throws Exception {
        createTopic("guarded");
        try (KafkaProducer<String, String> producer = producer(secured("alice", ALICE_PASSWORD, "SCRAM-SHA-512"))) {
            producer.send(new ProducerRecord<>("guarded", "k", "authorized")).get(30, TimeUnit.SECONDS);
        }

        Map<String, Object> wrongPassword = secured("alice", "not-" + ALICE_PASSWORD, "SCRAM-SHA-512");
        Map<String, Object> unknownUser = secured("mallory", ALICE_PASSWORD, "SCRAM-SHA-256");
        Map<String, Object> untrusted = secured("alice", ALICE_PASSWORD, "SCRAM-SHA-512");
        untrusted.remove(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
        untrusted.remove(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG);
        Map<String, Object> plaintext = new HashMap<>(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));

        List<Throwable> refusals = new ArrayList<>();
        int successes = 0;
        for (Map<String, Object> client : List.of(wrongPassword, unknownUser, untrusted, plaintext)) {
            Throwable refusal = tryToProduce(client, "guarded", "unauthorized");
            if (refusal == null) {
                successes++;
            } else {
                refusals.add(refusal);
            }
        }

        assertThat(successes).as("writes that succeeded without valid credentials").isZero();
        assertThat(refusals.get(0)).as("a wrong password").isInstanceOf(SaslAuthenticationException.class)
            .hasMessageContaining("invalid credentials");
        assertThat(refusals.get(1)).as("an unknown user").isInstanceOf(SaslAuthenticationException.class);
        assertThat(refusals.get(2)).as("a client that does not trust the certificate").isInstanceOf(SslAuthenticationException.class);
        assertThat(refusals.get(3)).as("a PLAINTEXT client on the SASL_SSL port: no answer it can read")
            .isInstanceOf(TimeoutException.class);
        try (KafkaConsumer<String, String> consumer = consumer(secured("bob", BOB_PASSWORD, "SCRAM-SHA-512"), "guarded-reader")) {
            consumer.subscribe(List.of("guarded"));
            assertThat(pollValues(consumer, 1)).as("what the topic holds: the authorized record only")
                .containsExactly("authorized");
        }
    }

    @Test
    @DisplayName("only the client listener is on the broker's host; the unauthenticated ones bind to loopback")
    void ownListenersStayOnLoopback() throws Exception {
        assertThat(broker.bootstrapServers()).as("client listener").startsWith("localhost:").doesNotEndWith(":0");
        assertThat(broker.internalBootstrapServers()).as("internal listener").startsWith("127.0.0.1:");
        try (Admin admin = Admin.create(secured("alice", ALICE_PASSWORD, "SCRAM-SHA-512"))) {
            ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(node)).all().get(30, TimeUnit.SECONDS).get(node);
            assertThat(config.get("listeners").value()).as("the broker's listeners")
                .contains("SASL_SSL://" + broker.bootstrapServers())
                .contains("INTERNAL://" + broker.internalBootstrapServers())
                .containsPattern("CONTROLLER://127\\.0\\.0\\.1:\\d+");
        }
    }

    @Test
    @DisplayName("restarted on its directory with other users: a dropped user and an old password are refused, new ones work")
    void restartAppliesTheNewUsers(@TempDir Path dir) throws Exception {
        BrokerOptions.Builder options = BrokerOptions.builder(dir).port(0);
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(options.saslSsl(SaslSslListener
                .builder(certificate.keyStore(), certificate.password())
                .user("carol", "carol-1").user("dave", "dave-1").mechanisms(ScramMechanism.SCRAM_SHA_512).build()).build())) {
            assertThat(tryToList(first, "carol", "carol-1", "SCRAM-SHA-512")).as("carol before the restart").isNull();
        }
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(options.saslSsl(SaslSslListener
                .builder(certificate.keyStore(), certificate.password())
                .user("carol", "carol-2").user("erin", "erin-1").build()).build())) {
            assertThat(tryToList(second, "carol", "carol-2", "SCRAM-SHA-512")).as("carol's new password").isNull();
            assertThat(tryToList(second, "carol", "carol-2", "SCRAM-SHA-256")).as("carol with a mechanism added").isNull();
            assertThat(tryToList(second, "erin", "erin-1", "SCRAM-SHA-512")).as("erin, a new user").isNull();
            assertThat(tryToList(second, "carol", "carol-1", "SCRAM-SHA-512")).as("carol's old password")
                .isInstanceOf(SaslAuthenticationException.class);
            assertThat(tryToList(second, "dave", "dave-1", "SCRAM-SHA-512")).as("dave, no longer a user")
                .isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    @DisplayName("a wrong key store password or no user fails at build, naming what is wrong; toString shows no password")
    void optionsFailFastAndHidePasswords() {
        assertThatThrownBy(() -> SaslSslListener.builder(certificate.keyStore(), "wrong").user("alice", ALICE_PASSWORD).build())
            .as("a wrong key store password").isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(certificate.keyStore().getFileName().toString()).hasMessageContaining("wrong password");
        assertThatThrownBy(() -> SaslSslListener.builder(certificate.trustStore(), certificate.password()).user("a", "b").build())
            .as("a store without a private key").isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("holds no private key");
        assertThatThrownBy(() -> SaslSslListener.builder(certificate.keyStore(), certificate.password()).build())
            .as("no user").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one SCRAM user");
        assertThatThrownBy(() -> SaslSslListener.builder(certificate.keyStore(), certificate.password()).user("eve", "").build())
            .as("an empty password").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eve has an empty password");

        String described = broker.options().toString();
        assertThat(described).as("BrokerOptions.toString of the secured broker")
            .contains("users=[alice, bob]").contains("SCRAM-SHA-512")
            .doesNotContain(ALICE_PASSWORD).doesNotContain(BOB_PASSWORD).doesNotContain(certificate.password());
    }

    /** The settings an operator writes for a SASL_SSL cluster with SCRAM; the trust store holds the broker's certificate. */
    private static Map<String, Object> secured(String user, String password, String mechanism) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"" + user + "\" password=\"" + password + "\";");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificate.trustStore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificate.password());
        return config;
    }

    /** Null if the record was written, else why not; a client that gets no answer gives up after 5 s. */
    private static Throwable tryToProduce(Map<String, Object> client, String topic, String value) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> producer = producer(config)) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    /** Null if listing topics worked as this user, else why not. */
    private static Throwable tryToList(EmbeddedKafkaBroker target, String user, String password, String mechanism) {
        Map<String, Object> config = secured(user, password, mechanism);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(config)) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(secured("alice", ALICE_PASSWORD, "SCRAM-SHA-512"))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> config) {
        Map<String, Object> all = new HashMap<>(config);
        all.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(all, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(Map<String, Object> config, String group) {
        Map<String, Object> all = new HashMap<>(config);
        all.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        all.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        all.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(all, new StringDeserializer(), new StringDeserializer());
    }
}
