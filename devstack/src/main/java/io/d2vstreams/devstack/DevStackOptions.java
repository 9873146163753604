package io.d2vstreams.devstack;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to run a {@link DevStack}. Build with {@link #builder(Path)}.
 *
 * @param dataDir      holds all state; the broker keeps its log in {@code dataDir/kafka}
 * @param host         the host both servers bind to
 * @param kafkaPort    the Kafka client port; 0 picks a free one
 * @param registryPort the registry's HTTP port; 0 picks a free one
 * @param registryAuth who may write to the registry; {@link RegistryAuth#none()} keeps it on loopback
 * @param registryTls  the registry's key for https, or null for plain http
 */
public record DevStackOptions(Path dataDir, String host, int kafkaPort, int registryPort, RegistryAuth registryAuth,
                              RegistryTls registryTls) {

    public static final String DEFAULT_HOST = "localhost";

    public DevStackOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        BrokerOptions.checkPort("kafkaPort", kafkaPort);
        BrokerOptions.checkPort("registryPort", registryPort);
        Objects.requireNonNull(registryAuth, "registryAuth");
    }

    /** Options with the public defaults: {@code localhost:9092} and {@code http://localhost:8081}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Builder for {@link DevStackOptions}. */
    public static final class Builder {
        private final Path dataDir;
        private String host = DEFAULT_HOST;
        private int kafkaPort = BrokerOptions.DEFAULT_PORT;
        private int registryPort = RegistryOptions.DEFAULT_PORT;
        private RegistryAuth registryAuth = RegistryAuth.none();
        private RegistryTls registryTls;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder kafkaPort(int kafkaPort) {
            this.kafkaPort = kafkaPort;
            return this;
        }

        public Builder registryPort(int registryPort) {
            this.registryPort = registryPort;
            return this;
        }

        public Builder registryAuth(RegistryAuth registryAuth) {
            this.registryAuth = registryAuth;
            return this;
        }

        public Builder registryTls(RegistryTls registryTls) {
            this.registryTls = registryTls;
            return this;
        }

        public DevStackOptions build() {
            return new DevStackOptions(dataDir, host, kafkaPort, registryPort, registryAuth, registryTls);
        }
    }
}
