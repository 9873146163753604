package io.d2vstreams.devstack.internal.kafka;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of a single-node development cluster: one process that is both KRaft controller
 * and broker, with every internal topic at replication factor 1 so that transactions, consumer
 * groups and share groups work on one node. Keys are the documented broker configs
 * (https://kafka.apache.org/documentation/#brokerconfigs).
 */
public final class BrokerProperties {

    public static final int NODE_ID = 1;
    public static final String BROKER_LISTENER = "PLAINTEXT";
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The client listener when it is secured; named after its protocol, so client errors read plainly. */
    public static final String SASL_SSL_LISTENER = "SASL_SSL";
    /** The broker's own PLAINTEXT listener beside a secured client listener, on the loopback address. */
    public static final String INTERNAL_LISTENER = "INTERNAL";
    private static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private BrokerProperties() {
    }

    /** The secured client listener: its SCRAM mechanisms (Kafka's names) and the server's key store. */
    public record SaslSsl(List<String> mechanisms, Path keyStore, String keyStorePassword, String keyStoreType) {
        @Override
        public String toString() {
            return "SaslSsl(mechanisms=" + mechanisms + ", keyStore=" + keyStore + ", keyStoreType=" + keyStoreType + ")";
        }
    }

    /**
     * A single PLAINTEXT listener for clients and the broker alike (the embedded default).
     *
     * @param overrides applied last, so a caller may change any default (e.g. more partitions)
     */
    public static Properties of(Path dataDir, String host, int brokerPort, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        // One combined node, a static single-voter quorum (see KRaftStorage for why static).
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        return withDefaults(p, dataDir, overrides);
    }

    /**
     * A SASL_SSL client listener on {@code host}, with the broker's own listeners on {@code loopback}: an
     * INTERNAL PLAINTEXT one for inter-broker traffic (on one node, the transaction coordinator still sends
     * its commit markers to itself over it) and the KRaft controller's. Both are kept off the network, as
     * they ask for no credentials.
     *
     * @param overrides applied last, so a caller may change any default
     */
    public static Properties saslSsl(Path dataDir, String host, int clientPort, String loopback, int internalPort,
                                     int controllerPort, SaslSsl sasl, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + loopback + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", INTERNAL_LISTENER);
        p.put("listeners", SASL_SSL_LISTENER + "://" + host + ":" + clientPort + ","
            + INTERNAL_LISTENER + "://" + loopback + ":" + internalPort + ","
            + CONTROLLER_LISTENER + "://" + loopback + ":" + controllerPort);
        p.put("advertised.listeners", SASL_SSL_LISTENER + "://" + host + ":" + clientPort + ","
            + INTERNAL_LISTENER + "://" + loopback + ":" + internalPort);
        p.put("listener.security.protocol.map", SASL_SSL_LISTENER + ":SASL_SSL," + INTERNAL_LISTENER + ":PLAINTEXT,"
            + CONTROLLER_LISTENER + ":PLAINTEXT");

        // Per-listener settings (https://kafka.apache.org/documentation/#security_configbroker), so nothing
        // leaks onto the PLAINTEXT listeners. The server side of SCRAM needs a JAAS entry per mechanism, but
        // no credentials in it: the broker checks clients against the SCRAM records in the metadata log.
        String prefix = "listener.name." + SASL_SSL_LISTENER.toLowerCase(Locale.ROOT) + ".";
        p.put(prefix + "sasl.enabled.mechanisms", String.join(",", sasl.mechanisms()));
        for (String mechanism : sasl.mechanisms()) {
            p.put(prefix + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config", SCRAM_LOGIN_MODULE + " required;");
        }
        p.put(prefix + "ssl.keystore.location", sasl.keyStore().toAbsolutePath().toString());
        p.put(prefix + "ssl.keystore.password", sasl.keyStorePassword());
        p.put(prefix + "ssl.keystore.type", sasl.keyStoreType());
        p.put(prefix + "ssl.client.auth", "none");
        return withDefaults(p, dataDir, overrides);
    }

    /** How often the transaction coordinator looks for timed-out transactions to abort. */
    public static final String ABORT_CHECK_INTERVAL_MS = "transaction.abort.timed.out.transaction.cleanup.interval.ms";

    /** The longest transaction timeout a client may ask for; no live transaction is older than this. */
    public static final String MAX_TRANSACTION_TIMEOUT_MS = "transaction.max.timeout.ms";
    /** Kafka's default for {@link #MAX_TRANSACTION_TIMEOUT_MS}: 15 minutes. */
    public static final String KAFKA_DEFAULT_MAX_TRANSACTION_TIMEOUT_MS = "900000";

    private static Properties withDefaults(Properties p, Path dataDir, Map<String, String> overrides) {
        p.put("log.dirs", dataDir.toString());
        p.put("metadata.log.dir", dataDir.toString());

        // Internal topics: one replica, and one partition each, which is plenty on one node and much
        // faster to create than the default 50 (the first transactional or group client waits for it).
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");

        // Development defaults: no delay before the first rebalance, a small log-cleaner buffer (the
        // default takes 128 MiB of heap for compacted topics that hold a few records here), and a
        // bounded start-up so that a broken start fails instead of waiting forever.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("server.max.startup.time.ms", "120000");

        // Failover: a killed transactional producer (a pipeline instance after kill -9) leaves its
        // transaction open, and read_committed readers of every partition it wrote see nothing past
        // it until the coordinator aborts it, at transaction.timeout.ms (10 s in Kafka Streams) plus
        // up to this interval between checks (10 s by default, which made failover take up to 20 s).
        // A check this early after an unclean restart skips abort markers (Kafka 4.3): the broker's
        // start-up repair (HangingTransactions) releases what that leaves hanging.
        p.put(ABORT_CHECK_INTERVAL_MS, "2000");

        p.putAll(overrides);
        return p;
    }
}
