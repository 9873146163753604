package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@DisplayName("ClusterOptions: where produce and tail find the registry, and its credentials")
class ClusterOptionsTest {

    @Test
    @DisplayName("registry credentials and TLS come from D2V_* variables; the URL stays --registry's")
    void credentialsFromEnvironment() {
        ClusterOptions options = new ClusterOptions();
        new CommandLine(new Holder(options)).parseArgs("--registry", "http://registry:8081");

        Map<String, Object> props = options.registryProperties(Map.of(
                "D2V_BASIC_AUTH_USER_INFO", "alice:wonderland-1",
                "D2V_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION", "/etc/trust.p12",
                "D2V_SCHEMA_REGISTRY_URL", "http://elsewhere:1",
                "D2V_SASL_JAAS_CONFIG", "not for the registry",
                "HOME", "/root"));

        assertThat(props).as("registry client properties")
                .containsEntry("schema.registry.url", "http://registry:8081")
                .containsEntry("basic.auth.user.info", "alice:wonderland-1")
                .containsEntry("schema.registry.ssl.truststore.location", "/etc/trust.p12")
                .doesNotContainKeys("sasl.jaas.config", "home");
    }

    /** picocli fills a mixin through the command that holds it. */
    @CommandLine.Command(name = "holder")
    static final class Holder {
        @CommandLine.Mixin
        final ClusterOptions cluster;

        Holder(ClusterOptions cluster) {
            this.cluster = cluster;
        }
    }
}
