package io.d2vstreams.cli;

import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.topology.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

import java.util.Map;

/** Where a client command finds the cluster: the embedded default unless told otherwise. */
final class ClusterOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "HOSTS",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--registry", defaultValue = "http://localhost:8081", paramLabel = "URL",
            description = "Schema Registry URL (default: ${DEFAULT-VALUE}).")
    String registryUrl;

    @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX, paramLabel = "P",
            description = "Prefix of the product's topics (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    Map<String, Object> clientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    SchemaRegistryClient registry() {
        return new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(Map.of("schema.registry.url", registryUrl)));
    }

    Topics topics() {
        return new Topics(topicPrefix);
    }
}
