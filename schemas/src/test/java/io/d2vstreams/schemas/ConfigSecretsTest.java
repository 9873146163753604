package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ConfigSecrets: which settings are secrets, and how settings are shown without them")
class ConfigSecretsTest {

    private static final String SECRET = "s3cr3t-XYZ";

    @Test
    @DisplayName("Kafka's own password settings are masked, also under a client or listener prefix")
    void kafkaPasswordKeys() {
        for (String key : new String[] {"sasl.jaas.config", "ssl.key.password", "ssl.keystore.password",
                "ssl.truststore.password", "ssl.keystore.key", "sasl.oauthbearer.assertion.private.key.passphrase",
                "producer.sasl.jaas.config", "main.consumer.ssl.keystore.key", "listener.name.sasl_ssl.plain.sasl.jaas.config"}) {
            assertThat(ConfigSecrets.isSecret(key)).as("is %s a secret", key).isTrue();
            assertThat(ConfigSecrets.mask(key, SECRET)).as("%s shown", key).isEqualTo(ConfigSecrets.MASK);
        }
    }

    @Test
    @DisplayName("the registry client's credentials are masked in every spelling")
    void registryCredentials() {
        for (String key : new String[] {"basic.auth.user.info", "schema.registry.basic.auth.user.info",
                "schema.registry.ssl.truststore.password", "schema.registry.ssl.keystore.password",
                "schema.registry.ssl.key.password", "bearer.auth.token", "some.vendor.api.key"}) {
            assertThat(ConfigSecrets.mask(key, SECRET)).as("%s shown", key).isEqualTo(ConfigSecrets.MASK);
        }
    }

    @Test
    @DisplayName("other settings keep their values, the credentials source among them; URL user info is masked")
    void otherValuesShown() {
        Map<String, String> shown = ConfigSecrets.masked(Map.of(
                "bootstrap.servers", "broker-1:9093,broker-2:9093",
                "basic.auth.credentials.source", "USER_INFO",
                "security.protocol", "SASL_SSL",
                "schema.registry.url", "https://svc:" + SECRET + "@registry-a:8081,https://svc:" + SECRET + "@registry-b:8081",
                "ssl.truststore.location", "/etc/kafka/trust.p12"));

        assertThat(shown.toString()).as("shown settings").doesNotContain(SECRET);
        assertThat(shown).as("shown settings")
                .containsEntry("bootstrap.servers", "broker-1:9093,broker-2:9093")
                .containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("schema.registry.url", "https://******@registry-a:8081,https://******@registry-b:8081")
                .containsEntry("ssl.truststore.location", "/etc/kafka/trust.p12");
    }
}
