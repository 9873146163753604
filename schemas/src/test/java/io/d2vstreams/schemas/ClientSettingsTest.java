package io.d2vstreams.schemas;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ClientSettings: which client gets which setting")
class ClientSettingsTest {

    @Test
    @DisplayName("own keys go nowhere, registry keys (prefixes and the registry client's own names) to the registry, the rest to Kafka")
    void splitsByClient() {
        ClientSettings split = ClientSettings.split(Map.of(
                "encoder.threads", "2",
                "schema.registry.ssl.truststore.location", "/t.pem",
                "basic.auth.user.info", "u:p",
                "max.retries", "7",
                "security.protocol", "SASL_SSL",
                "linger.ms", "5"), Set.of("encoder.threads"));

        assertThat(split.kafka()).containsOnlyKeys("security.protocol", "linger.ms");
        assertThat(split.registry("http://r:8081")).containsOnlyKeys("schema.registry.url",
                "schema.registry.ssl.truststore.location", "basic.auth.user.info", "max.retries")
                .containsEntry("schema.registry.url", "http://r:8081").containsEntry("max.retries", "7");
    }

    @Test
    @DisplayName("the URL given to registry() wins over one in the settings")
    void urlIsTheParsedOne() {
        ClientSettings split = ClientSettings.split(Map.of("schema.registry.url", "http://given"), Set.of());
        assertThat(split.kafka()).isEmpty();
        assertThat(split.registry("http://parsed")).containsExactlyEntriesOf(Map.of("schema.registry.url", "http://parsed"));
    }
}
