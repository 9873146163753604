package io.d2vstreams.schemas;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * What every d2v process (the pipeline, the trainer) reads the same way from its settings: where
 * the cluster and the registry are, its own name, the topic table, the {@link ClientSettings} split
 * of the keys that are not its own, and the settings as given, from which {@link #with} makes a
 * changed copy and {@link #describe} the masked start-up description. A process's config class
 * defines these four keys in its {@link ConfigDef}, with its own defaults and docs, and parses
 * everything else from {@link #parsed}.
 */
public final class ProcessSettings {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String APPLICATION_ID = "application.id";
    public static final String TOPIC_PREFIX = "topic.prefix";

    private final AbstractConfig parsed;
    private final Map<String, String> given;
    private final Map<String, Object> values;
    private final ClientSettings clients;
    private final Topics topics;

    private ProcessSettings(AbstractConfig parsed, Map<String, String> given, ClientSettings clients) {
        this.parsed = parsed;
        this.given = Map.copyOf(given);
        this.values = new TreeMap<>(parsed.values());
        this.clients = clients;
        this.topics = new Topics(parsed.getString(TOPIC_PREFIX));
    }

    /**
     * Parses {@code settings} against {@code definition}; {@code ownKeys} go to no client.
     *
     * @throws ConfigException naming the key, the value and what was expected
     * @throws IllegalArgumentException when {@code definition} lacks one of the four shared keys
     */
    public static ProcessSettings parse(ConfigDef definition, Map<String, String> settings, Set<String> ownKeys) {
        for (String key : new String[] {BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, APPLICATION_ID, TOPIC_PREFIX}) {
            if (!definition.names().contains(key)) {
                throw new IllegalArgumentException("a process's definition must define " + key);
            }
        }
        Objects.requireNonNull(settings, "settings");
        return new ProcessSettings(new AbstractConfig(definition, settings, false), settings,
                ClientSettings.split(settings, ownKeys));
    }

    /** The typed values of the process's own keys, for the rest of its parsing. */
    public AbstractConfig parsed() {
        return parsed;
    }

    /** The settings as given with {@code overrides} on top, for the process's config to parse again. */
    public Map<String, String> with(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(given);
        merged.putAll(overrides);
        return merged;
    }

    public String bootstrapServers() {
        return parsed.getString(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return parsed.getString(SCHEMA_REGISTRY_URL);
    }

    public String applicationId() {
        return parsed.getString(APPLICATION_ID);
    }

    public Topics topics() {
        return topics;
    }

    /** The settings that pass through to the Kafka clients, as given. */
    public Map<String, String> passThrough() {
        return clients.kafka();
    }

    /** Properties for a plain Kafka client of the process: the pass-through settings plus the bootstrap servers. */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> props = new HashMap<>(clients.kafka());
        props.put(BOOTSTRAP_SERVERS, bootstrapServers());
        return props;
    }

    /**
     * Settings for the registry client: the URL plus {@code schema.registry.*}, {@code basic.auth.*}
     * and the other keys the registry client defines ({@code max.retries}, {@code retries.wait.ms},
     * {@code http.connect.timeout.ms}...).
     */
    public Map<String, String> registryProperties() {
        return clients.registry(schemaRegistryUrl());
    }

    /**
     * Every setting, the process's own with their values (defaults included, {@code null} where a
     * key is unset) and the pass-through ones as given, for the start-up log line, with secrets
     * masked ({@link ConfigSecrets#described}): passwords, JAAS configs, registry user info, and
     * the user info of a URL.
     */
    public Map<String, String> describe() {
        return ConfigSecrets.described(given, values);
    }
}
