package io.d2vstreams.cli;

import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.ConfigSource;
import io.d2vstreams.topology.PipelineConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a client command ({@code produce}, {@code tail}, {@code index}, {@code models backfill})
 * finds the cluster, read the way the pipeline reads it: its properties file and {@code D2V_*}
 * variables through {@link ConfigSource}, split by {@link PipelineConfig} between the Kafka clients
 * (SASL, TLS, tuning) and the registry client ({@code schema.registry.*}, {@code basic.auth.*}), so
 * a command reaches every cluster the pipeline does. The options below win over the file and the
 * environment; without either, the embedded default.
 */
final class ClusterOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
            description = "Kafka bootstrap servers (default: bootstrap.servers of --config or D2V_BOOTSTRAP_SERVERS, "
                    + "else localhost:9092).")
    String bootstrapServers;

    @Option(names = "--registry", paramLabel = "URL",
            description = "Schema Registry URL (default: schema.registry.url of --config or D2V_SCHEMA_REGISTRY_URL, "
                    + "else http://localhost:8081). Credentials, when it needs them: basic.auth.user.info in --config, "
                    + "or D2V_BASIC_AUTH_USER_INFO=user:password in the environment.")
    String registryUrl;

    @Option(names = "--topic-prefix", paramLabel = "P",
            description = "Prefix of the product's topics (default: topic.prefix of --config or D2V_TOPIC_PREFIX, else "
                    + Topics.DEFAULT_PREFIX + ").")
    String topicPrefix;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A pipeline properties file to take the cluster's settings from: bootstrap.servers, "
                    + "schema.registry.url, topic.prefix, and the client settings a secured cluster needs "
                    + "(security.protocol, sasl.*, ssl.*, basic.auth.*). D2V_* variables override it.")
    Path config;

    private PipelineConfig settings;

    Map<String, Object> clientProperties() {
        return settings().clientProperties();
    }

    SchemaRegistryClient registry() {
        return new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(settings().registryProperties()));
    }

    /**
     * The registry client's settings: the URL, plus credentials and TLS from {@code --config} and
     * {@code D2V_*} variables ({@code D2V_BASIC_AUTH_USER_INFO=user:password}), never from an option,
     * because a command line is visible to every user of the machine.
     */
    Map<String, String> registryProperties(Map<String, String> env) {
        return settings(env).registryProperties();
    }

    Topics topics() {
        return settings().topics();
    }

    /** {@link #settings(Map)} of this process's environment, read once: a command asks for several parts of it. */
    private PipelineConfig settings() {
        if (settings == null) {
            settings = settings(System.getenv());
        }
        return settings;
    }

    /** The file, the environment over it, the options over both, parsed and split as the pipeline does. */
    PipelineConfig settings(Map<String, String> env) {
        Map<String, String> settings = new HashMap<>(ConfigSource.load(config, env));
        putIfGiven(settings, PipelineConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        putIfGiven(settings, PipelineConfig.SCHEMA_REGISTRY_URL, registryUrl);
        putIfGiven(settings, PipelineConfig.TOPIC_PREFIX, topicPrefix);
        return PipelineConfig.from(settings);
    }

    private static void putIfGiven(Map<String, String> settings, String key, String option) {
        if (option != null) {
            settings.put(key, option);
        }
    }
}
