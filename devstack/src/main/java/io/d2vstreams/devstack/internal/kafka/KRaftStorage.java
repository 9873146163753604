package io.d2vstreams.devstack.internal.kafka;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Formats a KRaft log directory once, the way {@code kafka-storage.sh format} does, and recognises one
 * that is already formatted so that a restart keeps its cluster id and everything in it.
 */
public final class KRaftStorage {

    private static final Logger LOG = LoggerFactory.getLogger(KRaftStorage.class);

    /** Written by the formatter; its presence means "formatted", and it holds the cluster id. */
    static final String META_PROPERTIES = MetaPropertiesEnsemble.META_PROPERTIES_NAME;
    private static final String CLUSTER_ID_KEY = "cluster.id";

    private KRaftStorage() {
    }

    /** What {@link #prepare} found or did. */
    public record Storage(String clusterId, boolean newlyFormatted) {
    }

    /**
     * Makes {@code dataDir} a formatted KRaft log directory for node {@code nodeId}. A new directory gets
     * a random cluster id; an already formatted one is left untouched (formatting again would fail, and
     * a new cluster id would make the broker refuse its own data).
     */
    public static Storage prepare(Path dataDir, int nodeId, String controllerListenerName) throws Exception {
        Path metaProperties = dataDir.resolve(META_PROPERTIES);
        if (Files.exists(metaProperties)) {
            return new Storage(readClusterId(metaProperties), false);
        }
        Files.createDirectories(dataDir);
        String clusterId = Uuid.randomUuid().toString();
        // The formatter reports on a PrintStream meant for a terminal; keep it for the debug log.
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            // No initial controllers: a static quorum (controller.quorum.voters), so the controller port
            // is configuration, not metadata, and may change between restarts.
            new Formatter()
                .setPrintStream(out)
                .setNodeId(nodeId)
                .setClusterId(clusterId)
                .addDirectory(dataDir.toString())
                .setMetadataLogDirectory(dataDir.toString())
                .setControllerListenerName(controllerListenerName)
                .run();
        }
        LOG.debug("Formatted KRaft storage dataDir={} output={}", dataDir, report.toString(StandardCharsets.UTF_8).trim());
        return new Storage(clusterId, true);
    }

    private static String readClusterId(Path metaProperties) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(metaProperties)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + metaProperties, e);
        }
        String clusterId = properties.getProperty(CLUSTER_ID_KEY);
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalStateException(metaProperties + " has no " + CLUSTER_ID_KEY + "; the data directory is damaged");
        }
        return clusterId;
    }
}
