package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@DisplayName("ClusterOptions: where the client commands find the cluster and the registry, and their credentials")
class ClusterOptionsTest {

    @Test
    @DisplayName("registry credentials and TLS come from D2V_* variables; the URL stays --registry's")
    void credentialsFromEnvironment() {
        ClusterOptions options = new ClusterOptions();
        new CommandLine(new Holder(options)).parseArgs("--registry", "http://registry:8081");

        Map<String, String> props = options.registryProperties(Map.of(
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

    @Test
    @DisplayName("SASL and TLS settings from D2V_* variables reach the Kafka clients; registry and pipeline keys do not")
    void kafkaSettingsFromEnvironment() {
        ClusterOptions options = parse();

        Map<String, Object> kafka = options.settings(Map.of(
                "D2V_SECURITY_PROTOCOL", "SASL_SSL",
                "D2V_SASL_MECHANISM", "SCRAM-SHA-512",
                "D2V_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "D2V_BASIC_AUTH_USER_INFO", "alice:wonderland-1",
                "D2V_MAX_RETRIES", "2",
                "D2V_TEXT_BATCH_MAX_SIZE", "8")).clientProperties();

        assertThat(kafka).as("Kafka client properties")
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsKey("sasl.jaas.config")
                .doesNotContainKeys("basic.auth.user.info", "max.retries", "text.batch.max.size");
    }

    @Test
    @DisplayName("--config names the cluster; D2V_* variables override the file, and the options override both")
    void fileThenEnvironmentThenOptions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        Files.writeString(file, "bootstrap.servers=broker-from-file:9092\n"
                + "schema.registry.url=http://registry-from-file:8081\n"
                + "topic.prefix=file.\n"
                + "security.protocol=SSL\n");
        Map<String, String> env = Map.of("D2V_TOPIC_PREFIX", "env.");

        ClusterOptions fromFile = parse("--config", file.toString());
        assertThat(fromFile.settings(env).clientProperties()).as("the file's cluster and client settings")
                .containsEntry("bootstrap.servers", "broker-from-file:9092")
                .containsEntry("security.protocol", "SSL");
        assertThat(fromFile.registryProperties(env)).containsEntry("schema.registry.url", "http://registry-from-file:8081");
        assertThat(fromFile.settings(env).topics().events(io.d2vstreams.runtime.Modality.TEXT)).as("the environment over the file")
                .isEqualTo("env.events.text");

        ClusterOptions overridden = parse("--config", file.toString(), "--bootstrap-servers", "broker-from-option:9092",
                "--topic-prefix", "option.");
        assertThat(overridden.settings(env).clientProperties()).containsEntry("bootstrap.servers", "broker-from-option:9092");
        assertThat(overridden.settings(env).topics().events(io.d2vstreams.runtime.Modality.TEXT)).as("the option over both")
                .isEqualTo("option.events.text");
    }

    @Test
    @DisplayName("without options, file or variables: the embedded default")
    void embeddedDefault() {
        ClusterOptions options = parse();

        assertThat(options.settings(Map.of()).clientProperties()).containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(options.registryProperties(Map.of())).containsEntry("schema.registry.url", "http://localhost:8081");
        assertThat(options.settings(Map.of()).topics().events(io.d2vstreams.runtime.Modality.TEXT)).isEqualTo("d2v.events.text");
    }

    private static ClusterOptions parse(String... args) {
        ClusterOptions options = new ClusterOptions();
        new CommandLine(new Holder(options)).parseArgs(args);
        return options;
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
