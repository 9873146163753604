package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RegistryClientConfig.fromProperties")
class RegistryClientConfigTest {

    @Test
    @DisplayName("needs only schema.registry.url, ignores unrelated Kafka keys, and has the documented defaults")
    void defaults() {
        RegistryClientConfig config = RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://localhost:8081", "bootstrap.servers", "localhost:9092"));
        assertThat(config.urls()).as("urls").containsExactly(URI.create("http://localhost:8081"));
        assertThat(config.maxRetries()).as("max.retries").isEqualTo(3);
        assertThat(config.retryBackoff()).as("retries.wait.ms").isEqualTo(Duration.ofSeconds(1));
        assertThat(config.basicAuthUserInfo()).as("no auth").isNull();
        assertThat(config.sslContext()).as("JDK TLS").isNull();
    }

    @Test
    @DisplayName("reads a comma-separated URL list and the timeout, retry and cache keys")
    void urlListAndTuning() {
        RegistryClientConfig config = RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://a:8081, https://b:8443/registry",
                "http.connect.timeout.ms", "1500", "http.read.timeout.ms", 2500,
                "max.retries", "0", "retries.wait.ms", "10", "retries.max.wait.ms", "40",
                "max.schemas.per.subject", "16"));
        assertThat(config.urls()).as("urls")
                .containsExactly(URI.create("http://a:8081"), URI.create("https://b:8443/registry"));
        assertThat(config.connectTimeout()).as("connect timeout").isEqualTo(Duration.ofMillis(1500));
        assertThat(config.requestTimeout()).as("request timeout").isEqualTo(Duration.ofMillis(2500));
        assertThat(config.maxRetries()).as("retries").isZero();
        assertThat(config.maxRetryBackoff()).as("max backoff").isEqualTo(Duration.ofMillis(40));
        assertThat(config.cacheCapacity()).as("cache capacity").isEqualTo(16);
    }

    @Test
    @DisplayName("fails fast when schema.registry.url is missing, naming the key")
    void missingUrl() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of("bootstrap.servers", "x:9092")))
                .as("no url").isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
    }

    @Test
    @DisplayName("fails fast on a URL without scheme, naming the key, the value and what was expected")
    void urlWithoutScheme() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "localhost:8081")))
                .as("url without scheme").isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("localhost:8081")
                .hasMessageContaining("expected http://host:port");
    }

    @Test
    @DisplayName("fails fast on a negative max.retries")
    void negativeRetries() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://a:1", "max.retries", "-1")))
                .as("max.retries=-1").isInstanceOf(ConfigException.class).hasMessageContaining("max.retries");
    }

    @Test
    @DisplayName("USER_INFO takes basic.auth.user.info, and the password never shows in toString or errors")
    void userInfo() {
        RegistryClientConfig config = RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "http://a:1",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "bob:hunter2"));
        assertThat(config.basicAuthUserInfo()).as("user info").isEqualTo("bob:hunter2");
        assertThat(config.toString()).as("toString").contains("bob:").doesNotContain("hunter2");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://a:1", "basic.auth.user.info", "no-colon-secret")));
        assertThat(e.getMessage()).as("message").contains("basic.auth.user.info").contains("user:password")
                .doesNotContain("no-colon-secret");
    }

    @Test
    @DisplayName("USER_INFO without basic.auth.user.info and an unknown source both fail fast")
    void badAuthSource() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "http://a:1",
                "basic.auth.credentials.source", "USER_INFO")))
                .as("USER_INFO without user info").isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "http://a:1",
                "basic.auth.credentials.source", "SASL_INHERIT")))
                .as("SASL_INHERIT").isInstanceOf(ConfigException.class)
                .hasMessageContaining("SASL_INHERIT").hasMessageContaining("USER_INFO or URL");
    }

    @Test
    @DisplayName("the URL source takes credentials from the URL and strips them from it")
    void urlCredentials() {
        RegistryClientConfig config = RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "https://carol:pw@registry.example:8443"));
        assertThat(config.basicAuthUserInfo()).as("user info").isEqualTo("carol:pw");
        assertThat(config.urls()).as("urls").containsExactly(URI.create("https://registry.example:8443"));
    }

    @Test
    @DisplayName("loads a PKCS12 trust store, and names the key when the password is wrong or the file is missing")
    void trustStore(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("trust.p12");
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (OutputStream out = Files.newOutputStream(store)) {
            empty.store(out, "changeit".toCharArray());
        }
        Map<String, Object> props = new HashMap<>(Map.of("schema.registry.url", "https://a:1",
                "schema.registry.ssl.truststore.location", store.toString(),
                "schema.registry.ssl.truststore.password", "changeit",
                "schema.registry.ssl.truststore.type", "PKCS12"));
        assertThat(RegistryClientConfig.fromProperties(props).sslContext()).as("ssl context").isNotNull();

        props.put("schema.registry.ssl.truststore.password", "n0t-the-passw0rd");
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(props)).as("wrong password")
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.ssl.truststore.location")
                .hasMessageNotContaining("n0t-the-passw0rd");

        props.put("schema.registry.ssl.truststore.location", dir.resolve("missing.p12").toString());
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(props)).as("missing file")
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.p12");
    }
}
