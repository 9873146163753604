package io.d2vstreams.devstack.internal.kafka;

import java.nio.file.Path;
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

    private BrokerProperties() {
    }

    /**
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

        p.putAll(overrides);
        return p;
    }
}
