package io.d2vstreams.devstack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to run an {@link EmbeddedKafkaBroker}. Build with {@link #builder(Path)}.
 *
 * @param dataDir        the broker's log directory (also holds the KRaft metadata log); formatted on
 *                       first use and reused afterwards, so a broker restarted on it keeps its state
 * @param host           the host the listeners bind to and advertise
 * @param port           the client port ({@code PLAINTEXT}, or {@code SASL_SSL} with {@code saslSsl}); 0 picks a free one
 * @param controllerPort the KRaft controller port; 0 picks a free one (clients never use it)
 * @param properties     broker properties applied last, overriding the defaults
 * @param saslSsl        null for a {@code PLAINTEXT} client listener without authentication (the default);
 *                       else the client listener speaks {@code SASL_SSL} with these SCRAM users
 */
public record BrokerOptions(Path dataDir, String host, int port, int controllerPort, Map<String, String> properties,
                            SaslSslListener saslSsl) {

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 9092;

    public BrokerOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        checkPort("port", port);
        checkPort("controllerPort", controllerPort);
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
        }
        properties = Map.copyOf(properties);
    }

    /** Options with the defaults: {@value #DEFAULT_HOST}, port {@value #DEFAULT_PORT}, a free controller port. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    static void checkPort(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(name + " must be in [0, 65535] (0 = any free port), got " + port);
        }
    }

    /** Builder for {@link BrokerOptions}. */
    public static final class Builder {
        private final Path dataDir;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int controllerPort;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private SaslSslListener saslSsl;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The client port; 0 picks a free one ({@link EmbeddedKafkaBroker#bootstrapServers()} tells which). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder controllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
            return this;
        }

        /** One broker property, e.g. {@code log.retention.hours}; overrides the embedded defaults. */
        public Builder property(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder properties(Map<String, String> more) {
            more.forEach(this::property);
            return this;
        }

        /**
         * Serve clients on a {@code SASL_SSL} listener with SCRAM users instead of {@code PLAINTEXT}; null
         * for {@code PLAINTEXT}. The broker's own listeners (inter-broker, KRaft controller) then stay
         * {@code PLAINTEXT} on the loopback address; see {@link EmbeddedKafkaBroker#internalBootstrapServers()}.
         */
        public Builder saslSsl(SaslSslListener saslSsl) {
            this.saslSsl = saslSsl;
            return this;
        }

        public BrokerOptions build() {
            return new BrokerOptions(dataDir, host, port, controllerPort, properties, saslSsl);
        }
    }
}
