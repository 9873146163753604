package io.d2vstreams.devstack;

import io.d2vstreams.devstack.internal.kafka.BrokerProperties;
import io.d2vstreams.devstack.internal.kafka.FreePorts;
import io.d2vstreams.devstack.internal.kafka.KRaftStorage;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
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
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir).port(0).build())) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Attempts when a port picked as free was taken before the broker bound it. */
    private static final int BIND_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final BrokerOptions options;
    private final String bootstrapServers;
    private final String clusterId;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, BrokerOptions options, String bootstrapServers,
                                String clusterId, Duration startupTime) {
        this.server = server;
        this.options = options;
        this.bootstrapServers = bootstrapServers;
        this.clusterId = clusterId;
        this.startupTime = startupTime;
    }

    /**
     * Formats {@code options.dataDir()} if it is new, starts the broker and returns once it serves
     * clients (an Admin {@code describeCluster} has answered).
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
        for (int attempt = 1; ; attempt++) {
            boolean portsPicked = options.port() == 0 || options.controllerPort() == 0;
            int port = options.port() == 0 ? FreePorts.pick(options.host()) : options.port();
            int controllerPort = options.controllerPort() == 0 ? pickOtherThan(options.host(), port) : options.controllerPort();
            Properties properties = BrokerProperties.of(options.dataDir(), options.host(), port, controllerPort, options.properties());
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
            try {
                awaitReady(bootstrapServers);
            } catch (RuntimeException e) {
                stopAfterFailedStart(server, e);
                throw e;
            }
            Duration startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
            LOG.info("Kafka broker started bootstrapServers={} clusterId={} dataDir={} newlyFormatted={} startupMs={}",
                bootstrapServers, storage.clusterId(), options.dataDir(), storage.newlyFormatted(), startupTime.toMillis());
            return new EmbeddedKafkaBroker(server, options, bootstrapServers, storage.clusterId(), startupTime);
        }
    }

    /** {@code host:port} of the client listener, with the port actually bound. */
    public String bootstrapServers() {
        return bootstrapServers;
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

    private static int pickOtherThan(String host, int taken) {
        int port;
        do {
            port = FreePorts.pick(host);
        } while (port == taken);
        return port;
    }

    /**
     * {@code startup()} returns once the broker is unfenced; this also proves that the client listener
     * answers, which is what callers depend on.
     */
    private static void awaitReady(String bootstrapServers) {
        Map<String, Object> config = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        Collection<Node> nodes;
        try (Admin admin = Admin.create(config)) {
            nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka broker at " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers + " did not become ready", e);
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
