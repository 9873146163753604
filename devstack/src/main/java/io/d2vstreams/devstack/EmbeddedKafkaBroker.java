package io.d2vstreams.devstack;

import io.d2vstreams.devstack.internal.kafka.BrokerProperties;
import io.d2vstreams.devstack.internal.kafka.FreePorts;
import io.d2vstreams.devstack.internal.kafka.HangingTransactions;
import io.d2vstreams.devstack.internal.kafka.KRaftStorage;
import io.d2vstreams.devstack.internal.kafka.ScramCredentials;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process Kafka broker in KRaft mode, run from Kafka's own server classes: one node that is both
 * controller and broker, with transactions, consumer groups and compaction working at replication
 * factor 1. Its state lives in {@link BrokerOptions#dataDir()}: starting again on the same directory
 * brings back every topic, committed offset and committed transaction.
 *
 * <p>By default clients connect over {@code PLAINTEXT} without credentials. With
 * {@link BrokerOptions.Builder#saslSsl(SaslSslListener)} the client listener speaks {@code SASL_SSL}
 * with SCRAM users instead, and the broker's own traffic uses {@link #internalBootstrapServers()}.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir).port(0).build())) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** How long the start-up repair waits for the transaction coordinator to list the producers of open transactions. */
    private static final Duration COORDINATOR_LOAD_WAIT = Duration.ofSeconds(10);
    /** Attempts when a port picked as free was taken before the broker bound it. */
    private static final int BIND_ATTEMPTS = 3;
    private static final long AUTH_RETRY_MS = 50;
    /** Where the broker's own listeners bind beside a SASL_SSL client listener. */
    private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();

    private final KafkaRaftServer server;
    private final BrokerOptions options;
    private final String bootstrapServers;
    private final String internalBootstrapServers;
    private final String clusterId;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, BrokerOptions options, String bootstrapServers,
                                String internalBootstrapServers, String clusterId, Duration startupTime) {
        this.server = server;
        this.options = options;
        this.bootstrapServers = bootstrapServers;
        this.internalBootstrapServers = internalBootstrapServers;
        this.clusterId = clusterId;
        this.startupTime = startupTime;
    }

    /**
     * Formats {@code options.dataDir()} if it is new, starts the broker and returns once it serves
     * clients (an Admin {@code describeCluster} has answered). With {@link BrokerOptions#saslSsl()}, it
     * also sets the SCRAM users first, and the answer must come over the SASL_SSL listener as one of them.
     *
     * @throws IllegalStateException if the broker does not start; nothing is left running then
     */
    public static EmbeddedKafkaBroker start(BrokerOptions options) {
        long startNanos = System.nanoTime();
        KRaftStorage.Storage storage;
        try {
            storage = KRaftStorage.prepare(options.dataDir(), BrokerProperties.NODE_ID, BrokerProperties.CONTROLLER_LISTENER);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka data directory " + options.dataDir(), e);
        }
        SaslSslListener sasl = options.saslSsl();
        // The broker's own listeners stay on loopback beside a secured client listener: they ask for no credentials.
        String ownHost = sasl == null ? options.host() : LOOPBACK;
        for (int attempt = 1; ; attempt++) {
            boolean portsPicked = options.port() == 0 || options.controllerPort() == 0 || sasl != null;
            Set<Integer> taken = new HashSet<>();
            int port = options.port() == 0 ? pickFree(options.host(), taken) : options.port();
            taken.add(port);
            int controllerPort = options.controllerPort() == 0 ? pickFree(ownHost, taken) : options.controllerPort();
            taken.add(controllerPort);
            int internalPort = sasl == null ? port : pickFree(LOOPBACK, taken);
            Properties properties = sasl == null
                ? BrokerProperties.of(options.dataDir(), options.host(), port, controllerPort, options.properties())
                : BrokerProperties.saslSsl(options.dataDir(), options.host(), port, LOOPBACK, internalPort, controllerPort,
                    new BrokerProperties.SaslSsl(sasl.mechanismNames(), sasl.keyStore(), sasl.keyStorePassword(),
                        sasl.keyStoreType()), options.properties());
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(properties), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                stopAfterFailedStart(server, e);
                if (portsPicked && attempt < BIND_ATTEMPTS && causedByBindFailure(e)) {
                    LOG.warn("Kafka broker port was taken before it could bind, retrying attempt={} port={} controllerPort={}",
                        attempt, port, controllerPort);
                    continue;
                }
                throw new IllegalStateException("Kafka broker failed to start on " + options.host() + ":" + port, e);
            }
            String bootstrapServers = options.host() + ":" + port;
            String internalBootstrapServers = (sasl == null ? options.host() : LOOPBACK) + ":" + internalPort;
            try {
                awaitReady(internalBootstrapServers, Map.of());
                if (sasl != null) {
                    ScramCredentials.apply(internalBootstrapServers, sasl.passwordsByUser(), sasl.mechanisms(), READY_TIMEOUT);
                    awaitReady(bootstrapServers, startupCheckClient(sasl));
                }
            } catch (RuntimeException e) {
                stopAfterFailedStart(server, e);
                throw e;
            }
            if (!storage.newlyFormatted()) {
                releaseHangingTransactions(internalBootstrapServers, properties);
            }
            Duration startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
            if (sasl == null) {
                LOG.info("Kafka broker started bootstrapServers={} securityProtocol=PLAINTEXT clusterId={} dataDir={} "
                        + "newlyFormatted={} startupMs={}",
                    bootstrapServers, storage.clusterId(), options.dataDir(), storage.newlyFormatted(), startupTime.toMillis());
            } else {
                LOG.info("Kafka broker started bootstrapServers={} securityProtocol=SASL_SSL mechanisms={} scramUsers={} "
                        + "keyStore={} internalBootstrapServers={} internalSecurityProtocol=PLAINTEXT authorizer=none "
                        + "clusterId={} dataDir={} newlyFormatted={} startupMs={}",
                    bootstrapServers, sasl.mechanismNames(), sasl.users(), sasl.keyStore(), internalBootstrapServers,
                    storage.clusterId(), options.dataDir(), storage.newlyFormatted(), startupTime.toMillis());
            }
            return new EmbeddedKafkaBroker(server, options, bootstrapServers, internalBootstrapServers, storage.clusterId(),
                startupTime);
        }
    }

    /** {@code host:port} of the client listener ({@code PLAINTEXT}, or {@code SASL_SSL}), with the port actually bound. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * {@code host:port} of the listener the broker uses itself: with {@link BrokerOptions#saslSsl()}, a
     * {@code PLAINTEXT} one on the loopback address that asks for no credentials, meant for what runs in this
     * process beside the broker (the embedded registry's state topic, set-up); otherwise the client listener.
     * Anyone on this machine can reach it: give it to no one else.
     */
    public String internalBootstrapServers() {
        return internalBootstrapServers;
    }

    public String clusterId() {
        return clusterId;
    }

    public BrokerOptions options() {
        return options;
    }

    /** From the call to {@link #start} until the broker answered, formatting included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Shuts the broker down cleanly (controlled shutdown, logs flushed) and waits until it has stopped. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            long startNanos = System.nanoTime();
            server.shutdown();
            server.awaitShutdown();
            LOG.info("Kafka broker stopped bootstrapServers={} shutdownMs={}",
                bootstrapServers, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }
    }

    /**
     * A restart over a crashed run's data can leave transactions hanging (see {@link HangingTransactions}):
     * abort them now, before any client restores from those partitions. A failed check leaves the broker
     * running and says so: the partitions it would have released may stay stuck.
     */
    private static void releaseHangingTransactions(String bootstrapServers, Properties brokerProperties) {
        HangingTransactions.Limits limits = new HangingTransactions.Limits(COORDINATOR_LOAD_WAIT.toMillis(),
            Long.parseLong(brokerProperties.getProperty(BrokerProperties.MAX_TRANSACTION_TIMEOUT_MS,
                BrokerProperties.KAFKA_DEFAULT_MAX_TRANSACTION_TIMEOUT_MS)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis()))) {
            List<HangingTransactions.OpenTransaction> aborted = HangingTransactions.abortAll(admin, limits, READY_TIMEOUT.toMillis());
            if (!aborted.isEmpty()) {
                LOG.warn("event=hanging_transactions_released count={} partitions={}", aborted.size(),
                    aborted.stream().map(t -> t.partition().toString()).toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking for hanging transactions at " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("event=hanging_transactions_check_failed bootstrapServers={} error=\"{}\" consequence=\"a partition "
                + "whose abort marker Kafka skipped at start-up may hold back read_committed readers\"", bootstrapServers, e.getCause() == null ? e.toString() : e.getCause().toString());
        }
    }

    private static int pickFree(String host, Set<Integer> taken) {
        int port;
        do {
            port = FreePorts.pick(host);
        } while (taken.contains(port));
        return port;
    }

    /**
     * Settings for the start-up check over the SASL_SSL listener: the first user, the strongest mechanism,
     * and trust in exactly the listener's own certificate. Host names are not checked here (the caller may
     * name the host any way its certificate does not); clients keep Kafka's default check.
     */
    private static Map<String, Object> startupCheckClient(SaslSslListener sasl) {
        String user = sasl.users().iterator().next();
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, sasl.mechanismNames().get(0));
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"" + jaasEscape(user) + "\" password=\"" + jaasEscape(sasl.passwordsByUser().get(user)) + "\";");
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, sasl.certificatesPem());
        config.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
        return config;
    }

    /** A JAAS option value is a quoted string; a quote or backslash in it is escaped with a backslash. */
    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * {@code startup()} returns once the broker is unfenced; this also proves that the listener answers
     * (with {@code security}'s settings), which is what callers depend on. An authentication failure just
     * after the SCRAM credentials were written is retried: the broker may take them in a moment later.
     */
    private static void awaitReady(String bootstrapServers, Map<String, Object> security) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                checkReady(bootstrapServers, security);
                return;
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof ExecutionException failure
                        && failure.getCause() instanceof AuthenticationException) || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.debug("Kafka broker refused the start-up check's credentials, retrying bootstrapServers={}", bootstrapServers);
            }
            try {
                Thread.sleep(AUTH_RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Kafka broker at " + bootstrapServers, e);
            }
        }
    }

    private static void checkReady(String bootstrapServers, Map<String, Object> security) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        Collection<Node> nodes;
        try (Admin admin = Admin.create(config)) {
            nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka broker at " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers
                + (security.isEmpty() ? "" : " (SASL_SSL, as the first SCRAM user)") + " did not become ready", e);
        }
        if (nodes.isEmpty()) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers + " reports no nodes");
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** Cleans up after a failed start; a second failure is attached to the first, never lost. */
    private static void stopAfterFailedStart(KafkaRaftServer server, Exception cause) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
