package io.d2vstreams.schemas;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one split of a d2v process's settings between the clients it runs: its own keys (which no
 * client gets), the registry client's ({@code schema.registry.*}, {@code basic.auth.*} and every
 * other key {@link RegistryClientConfig} defines, such as {@code max.retries}), and the rest, which
 * pass through to the Kafka clients (SASL, TLS, tuning). The pipeline's and the trainer's configs
 * both split this way, so a setting reaches the same client whichever process reads it.
 */
public final class ClientSettings {
    private static final Set<String> REGISTRY_KEYS = Set.copyOf(RegistryClientConfig.configDef().names());

    private final Map<String, String> kafka;
    private final Map<String, String> registry;

    private ClientSettings(Map<String, String> kafka, Map<String, String> registry) {
        this.kafka = Map.copyOf(kafka);
        this.registry = Map.copyOf(registry);
    }

    /**
     * Splits {@code settings}: {@code ownKeys} go to neither client, registry keys to the registry
     * client, the rest to the Kafka clients. A process may keep a key out of {@code ownKeys} that it
     * also reads itself, when Kafka clients must see it too (e.g. {@code session.timeout.ms}).
     */
    public static ClientSettings split(Map<String, String> settings, Set<String> ownKeys) {
        Map<String, String> kafka = new TreeMap<>();
        Map<String, String> registry = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (ownKeys.contains(key)) {
                return;
            }
            (isRegistryKey(key) ? registry : kafka).put(key, value);
        });
        return new ClientSettings(kafka, registry);
    }

    /** Whether {@code key} is the registry client's rather than a Kafka client's. */
    public static boolean isRegistryKey(String key) {
        return key.startsWith("schema.registry.") || key.startsWith("basic.auth.") || REGISTRY_KEYS.contains(key);
    }

    /** The settings that pass through to the Kafka clients, as given. */
    public Map<String, String> kafka() {
        return kafka;
    }

    /** The registry client's settings as given, with {@code schema.registry.url} set to {@code url}. */
    public Map<String, String> registry(String url) {
        Map<String, String> props = new TreeMap<>(registry);
        props.put(RegistryClientConfig.SCHEMA_REGISTRY_URL_CONFIG, url);
        return props;
    }
}
