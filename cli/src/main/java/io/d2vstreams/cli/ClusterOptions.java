package io.d2vstreams.cli;

import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.topology.ConfigSource;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/** Where a client command finds the cluster: the embedded default unless told otherwise. */
final class ClusterOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "HOSTS",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--registry", defaultValue = "http://localhost:8081", paramLabel = "URL",
            description = "Schema Registry URL (default: ${DEFAULT-VALUE}). Credentials, when it needs them: "
                    + "D2V_BASIC_AUTH_USER_INFO=user:password in the environment.")
    String registryUrl;

    @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX, paramLabel = "P",
            description = "Prefix of the product's topics (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    Map<String, Object> clientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    SchemaRegistryClient registry() {
        return new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(registryProperties(System.getenv())));
    }

    /**
     * {@code --registry}, plus registry credentials and TLS from {@code D2V_*} variables
     * ({@code D2V_BASIC_AUTH_USER_INFO=user:password}, {@code D2V_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION}):
     * from the environment only, never an option, because a command line is visible to every user of
     * the machine.
     */
    Map<String, Object> registryProperties(Map<String, String> env) {
        Map<String, Object> props = new HashMap<>();
        ConfigSource.load(null, env).forEach((key, value) -> {
            if (key.startsWith("basic.auth.") || key.startsWith("schema.registry.")) {
                props.put(key, value);
            }
        });
        props.put(RegistryClientConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        return props;
    }

    Topics topics() {
        return new Topics(topicPrefix);
    }
}
