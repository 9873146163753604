package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ProcessSettings: what every process reads the same way")
class ProcessSettingsTest {

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(ProcessSettings.BOOTSTRAP_SERVERS, Type.STRING, "localhost:9092", Importance.HIGH, "cluster")
            .define(ProcessSettings.SCHEMA_REGISTRY_URL, Type.STRING, "http://localhost:8081", Importance.HIGH, "registry")
            .define(ProcessSettings.APPLICATION_ID, Type.STRING, "d2v-test", Importance.HIGH, "name")
            .define(ProcessSettings.TOPIC_PREFIX, Type.STRING, Topics.DEFAULT_PREFIX, Importance.MEDIUM, "prefix")
            .define("own.size", Type.INT, 4, Importance.LOW, "one of the process's own keys")
            .define("own.optional", Type.STRING, null, Importance.LOW, "unset by default");

    private static ProcessSettings parse(Map<String, String> settings) {
        return ProcessSettings.parse(DEFINITION, settings, DEFINITION.names());
    }

    @Test
    @DisplayName("own keys go to no client, registry keys to the registry client, the rest to the Kafka clients")
    void splitsTheSettings() {
        ProcessSettings settings = parse(Map.of("bootstrap.servers", "broker:9092", "own.size", "8",
                "security.protocol", "SASL_SSL", "basic.auth.user.info", "u:p", "max.retries", "2"));

        assertThat(settings.kafkaProperties()).as("Kafka client properties")
                .containsOnly(Map.entry("bootstrap.servers", "broker:9092"), Map.entry("security.protocol", "SASL_SSL"));
        assertThat(settings.registryProperties()).as("registry client properties")
                .containsOnly(Map.entry("schema.registry.url", "http://localhost:8081"),
                        Map.entry("basic.auth.user.info", "u:p"), Map.entry("max.retries", "2"));
        assertThat(settings.parsed().getInt("own.size")).isEqualTo(8);
        assertThat(settings.topics().models()).isEqualTo("d2v.models");
        assertThat(settings.applicationId()).isEqualTo("d2v-test");
    }

    @Test
    @DisplayName("with() keeps what was given and replaces only the overrides")
    void withOverrides() {
        ProcessSettings settings = parse(Map.of("topic.prefix", "acme.", "own.size", "8"));

        ProcessSettings changed = parse(settings.with(Map.of("own.size", "16")));

        assertThat(changed.parsed().getInt("own.size")).isEqualTo(16);
        assertThat(changed.topics().models()).as("the given prefix kept").isEqualTo("acme.models");
    }

    @Test
    @DisplayName("describe shows every own key (unset ones as null) and the pass-through ones, secrets masked")
    void describeMasksSecrets() {
        ProcessSettings settings = parse(Map.of("sasl.jaas.config", "... password=\"s3cr3t\";",
                "schema.registry.url", "https://user:pw@registry:8081", "linger.ms", "5"));

        assertThat(settings.describe())
                .containsEntry("own.size", "4")
                .containsEntry("own.optional", "null")
                .containsEntry("linger.ms", "5")
                .containsEntry("sasl.jaas.config", ConfigSecrets.MASK)
                .containsEntry("schema.registry.url", "https://" + ConfigSecrets.MASK + "@registry:8081");
    }

    @Test
    @DisplayName("a bad value names its key; a definition without the shared keys is refused")
    void refusals() {
        assertThatThrownBy(() -> parse(Map.of("own.size", "many"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("own.size");
        ConfigDef partial = new ConfigDef().define(ProcessSettings.BOOTSTRAP_SERVERS, Type.STRING, "x", Importance.HIGH, "");
        assertThatThrownBy(() -> ProcessSettings.parse(partial, Map.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ProcessSettings.SCHEMA_REGISTRY_URL);
    }
}
