package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.d2vstreams.topology.ConfigSource;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker-compose.yml, the Prometheus config and the Grafana dashboard stay true to the code:
 * every setting they pass is a real, valid pipeline setting, Prometheus scrapes the port the
 * pipeline serves, and the dashboard reads only series the pipeline exports (the names come
 * from {@link DashboardQueries}; {@code PipelineCommandIT} checks them against a live scrape).
 */
@DisplayName("The deployment files")
class DeploymentFilesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @DisplayName("compose runs Kafka, the registry, pipeline, trainer, Prometheus and Grafana")
    void composeServices() throws IOException {
        JsonNode services = compose().path("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).as("compose services")
                .contains("kafka", "schema-registry", "pipeline", "trainer", "prometheus", "grafana");
        assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
        assertThat(services.path("schema-registry").path("image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(services.path("pipeline").path("command").toString()).as("pipeline command").contains("pipeline", "--config");
        assertThat(services.path("trainer").path("command").toString()).as("trainer command").contains("trainer", "--config");
    }

    @Test
    @DisplayName("the pipeline's properties file and D2V_* variables are defined, valid settings")
    void pipelineSettingsAreReal() throws IOException {
        JsonNode pipeline = compose().path("services").path("pipeline");
        Map<String, String> env = new HashMap<>();
        pipeline.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        Map<String, String> settings = ConfigSource.load(ROOT.resolve("deploy/config/pipeline.properties"), env);

        assertThat(settings.keySet()).as("every key the compose stack sets is one PipelineConfig defines")
                .isSubsetOf(PipelineConfig.DEFINITION.names());
        assertThatCode(() -> PipelineConfig.from(settings)).as("the settings parse and validate").doesNotThrowAnyException();
        assertThat(PipelineConfig.from(settings).metricsHost()).as("metrics reachable from Prometheus' container")
                .isEqualTo("0.0.0.0");
    }

    @Test
    @DisplayName("the trainer's properties file and D2V_* variables are defined, valid settings")
    void trainerSettingsAreReal() throws IOException {
        JsonNode trainer = compose().path("services").path("trainer");
        Map<String, String> env = new HashMap<>();
        trainer.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        Map<String, String> settings = ConfigSource.load(ROOT.resolve("deploy/config/trainer.properties"), env);

        assertThat(settings.keySet()).as("every key the compose stack sets is one TrainerWorkerConfig defines")
                .isSubsetOf(TrainerWorkerConfig.DEFINITION.names());
        assertThatCode(() -> TrainerWorkerConfig.from(settings)).as("the settings parse and validate").doesNotThrowAnyException();
        JsonNode pipelineEnv = compose().path("services").path("pipeline").path("environment");
        assertThat(env.get("D2V_MODEL_STORE_DIR")).as("trainer and pipeline share the model store")
                .isEqualTo(pipelineEnv.path("D2V_MODEL_STORE_DIR").asText());
        TrainerWorkerConfig trainerConfig = TrainerWorkerConfig.from(settings);
        assertThat(trainerConfig.metricsHost()).as("trainer metrics reachable from Prometheus' container").isEqualTo("0.0.0.0");
        assertThat(scrapePort(YAML.readTree(ROOT.resolve("deploy/prometheus/prometheus.yml").toFile()), "d2v-trainer", "trainer"))
                .as("Prometheus scrapes the trainer's metrics.port").isEqualTo(trainerConfig.metricsPort());
    }

    @Test
    @DisplayName("Prometheus scrapes every pipeline replica on the port /metrics is served on")
    void prometheusScrapesThePipeline() throws IOException {
        JsonNode prometheus = YAML.readTree(ROOT.resolve("deploy/prometheus/prometheus.yml").toFile());
        Map<String, String> fileSettings = ConfigSource.load(ROOT.resolve("deploy/config/pipeline.properties"), Map.of());
        assertThat(scrapePort(prometheus, "d2v-pipeline", "pipeline")).as("scrape port = metrics.port")
                .isEqualTo(PipelineConfig.from(fileSettings).metricsPort());
    }

    @Test
    @DisplayName("the Grafana dashboard reads the provisioned Prometheus and covers throughput, latency, dead letters, model version and lag")
    void dashboard() throws IOException {
        JsonNode datasource = YAML.readTree(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml").toFile())
                .path("datasources").get(0);
        JsonNode dashboard = JSON.readTree(ROOT.resolve("deploy/grafana/dashboards/d2v-pipeline.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).as("datasource of panel %s", panel.path("title"))
                    .isEqualTo(datasource.path("uid").asText());
        }
        assertThat(DashboardQueries.seriesNames(dashboard)).as("series the dashboard plots")
                .contains("d2v_records_embedded_total", "d2v_records_dead_lettered_total",
                        "d2v_end_to_end_latency_seconds_bucket", "d2v_model_version",
                        "kafka_consumer_fetch_manager_records_lag_max");
    }

    @Test
    @DisplayName("docker compose config accepts the file (where the docker CLI with compose exists)")
    void composeConfigValidates() throws Exception {
        Process probe;
        try {
            probe = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
        } catch (IOException noDocker) {
            probe = null;
        }
        assumeTrue(probe != null && probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "docker compose is not installed here");
        Process config = new ProcessBuilder("docker", "compose", "-f", ROOT.resolve("docker-compose.yml").toString(),
                "config", "--quiet").redirectErrorStream(true).start();
        String output = new String(config.getInputStream().readAllBytes());
        assertThat(config.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(config.exitValue()).as("docker compose config: %s", output).isZero();
    }

    /** The port the scrape job {@code job} uses for the compose service {@code service}. */
    private static int scrapePort(JsonNode prometheus, String job, String service) {
        for (JsonNode candidate : prometheus.path("scrape_configs")) {
            if (candidate.path("job_name").asText().equals(job)) {
                JsonNode dns = candidate.path("dns_sd_configs").get(0);
                assertThat(dns.path("names").get(0).asText()).as("service scraped by %s", job).isEqualTo(service);
                return dns.path("port").asInt();
            }
        }
        throw new AssertionError("no scrape job " + job + " in prometheus.yml");
    }

    private static JsonNode compose() throws IOException {
        return YAML.readTree(Files.readString(ROOT.resolve("docker-compose.yml")));
    }

    /** The Prometheus series a Grafana dashboard's queries name. */
    static final class DashboardQueries {
        private static final Pattern SERIES = Pattern.compile("\\b((?:d2v|kafka)_[a-z0-9_]+)\\b");

        private DashboardQueries() {
        }

        static Set<String> seriesNames(JsonNode dashboard) {
            Set<String> names = new java.util.TreeSet<>();
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    Matcher m = SERIES.matcher(target.path("expr").asText());
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                }
            }
            return names;
        }
    }
}
