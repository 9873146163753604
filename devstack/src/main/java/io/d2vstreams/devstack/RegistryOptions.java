package io.d2vstreams.devstack;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run an {@link EmbeddedSchemaRegistry}. Build with {@link #builder(String)}.
 *
 * @param bootstrapServers the Kafka cluster that stores the registry's state
 * @param host             the host the HTTP server binds to
 * @param port             the HTTP port; 0 picks a free one
 * @param topic            the compacted topic holding schemas and settings
 * @param kafkaTimeout     how long to wait for Kafka at start-up and for each write; a write that takes
 *                         longer is answered with error 50001
 * @param auth             who may write (and, if so configured, read); {@link RegistryAuth#none()} binds
 *                         only to a loopback address
 * @param tls              the server's key for https, or null for plain http
 */
public record RegistryOptions(String bootstrapServers, String host, int port, String topic, Duration kafkaTimeout,
                              RegistryAuth auth, RegistryTls tls) {

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 8081;
    /** The topic Confluent's registry uses by default; one registry per cluster, as there. */
    public static final String DEFAULT_TOPIC = "_schemas";
    public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(30);

    public RegistryOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(kafkaTimeout, "kafkaTimeout");
        Objects.requireNonNull(auth, "auth");
        if (kafkaTimeout.isNegative() || kafkaTimeout.isZero()) {
            throw new IllegalArgumentException("kafkaTimeout must be positive, got " + kafkaTimeout);
        }
        BrokerOptions.checkPort("port", port);
    }

    /**
     * Options with the defaults: {@value #DEFAULT_HOST}, port {@value #DEFAULT_PORT}, topic {@value #DEFAULT_TOPIC},
     * no authentication, plain http.
     */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /** Builder for {@link RegistryOptions}. */
    public static final class Builder {
        private final String bootstrapServers;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String topic = DEFAULT_TOPIC;
        private Duration kafkaTimeout = DEFAULT_KAFKA_TIMEOUT;
        private RegistryAuth auth = RegistryAuth.none();
        private RegistryTls tls;

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The HTTP port; 0 picks a free one ({@link EmbeddedSchemaRegistry#url()} tells which). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder kafkaTimeout(Duration kafkaTimeout) {
            this.kafkaTimeout = kafkaTimeout;
            return this;
        }

        /** Basic-auth users; without them the registry binds only to a loopback address. */
        public Builder auth(RegistryAuth auth) {
            this.auth = auth;
            return this;
        }

        /** Serve https with this key instead of plain http; null for http. */
        public Builder tls(RegistryTls tls) {
            this.tls = tls;
            return this;
        }

        public RegistryOptions build() {
            return new RegistryOptions(bootstrapServers, host, port, topic, kafkaTimeout, auth, tls);
        }
    }
}
