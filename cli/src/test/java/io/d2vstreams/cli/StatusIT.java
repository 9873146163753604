package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.cli.client.EventInputs;
import io.d2vstreams.cli.client.EventProducer;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code d2v status} against a running embedded stack made of the parts {@code d2v up} runs: the
 * in-process broker and registry, the pipeline with its {@code /metrics}, and the trainer with its
 * {@code /metrics} (settings small enough that the gate judges within the test), all on free ports.
 */
@DisplayName("d2v status, against a running embedded stack")
class StatusIT {
    private static final int TEXTS = 80;

    @TempDir
    Path dir;

    /** Runs {@code d2v status ... --json --watch --count 2} and returns the second refresh. */
    private static JsonNode status(String... args) throws Exception {
        String[] lines = run(args).trim().split("\n");
        assertThat(lines).as("--watch --count 2 with --json: one JSON object per refresh").hasSize(2);
        return new ObjectMapper().readTree(lines[1]);
    }

    /** Runs the d2v command line in-process; returns stdout, after asserting exit 0. */
    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = D2v.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute(args)).as("d2v %s; stderr: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    @Test
    @DisplayName("reports the serving versions, the pipeline's counts, the trainer's progress, and the gate's last decision with its reason and measurements")
    void reportsTheLoop() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build())) {
            PipelineConfig pipelineConfig = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.APPLICATION_ID, "status-it",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.SAMPLING_TEXT_RATE, "1.0",
                    PipelineConfig.SAMPLING_TEXT_MAX_PER_SECOND, "10000",
                    PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString()));
            TrainerWorkerConfig trainerConfig = TrainerWorkerConfig.from(Map.of(
                    TrainerWorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    TrainerWorkerConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    TrainerWorkerConfig.MODALITIES, "TEXT",
                    TrainerWorkerConfig.MODEL_STORE_DIR, dir.resolve("models").toString(),
                    TrainerWorkerConfig.CHECKPOINT_DIR, dir.resolve("checkpoints").toString()))
                    .forDemo()
                    .with(Map.of(TrainerWorkerConfig.HELDOUT_EVERY, "3", TrainerWorkerConfig.GATE_HELDOUT_MIN, "8",
                            TrainerWorkerConfig.REPLAY_FRESH_FRACTION, "0.125", TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "8",
                            TrainerWorkerConfig.CHECKPOINT_INTERVAL_STEPS, "5"));
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(pipelineConfig);
                 SchemaRegistryClient registry = new RestSchemaRegistryClient(
                         RegistryClientConfig.fromProperties(pipelineConfig.registryProperties()))) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                try (TrainerWorker trainer = TrainerWorker.start(trainerConfig);
                     TrainerTelemetry telemetry = TrainerTelemetry.serve(trainer, "localhost", 0);
                     EventProducer producer = new EventProducer(Map.of(
                             ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), registry)) {
                    producer.send(pipelineConfig.topics().events(Modality.TEXT), Modality.TEXT,
                            EventInputs.generated(Modality.TEXT, TEXTS, 11, "status-"), done -> { });
                    await("a gate decision on a text candidate, and the pipeline serving what the log names ACTIVE")
                            .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                            .until(() -> trainer.failure().isPresent() || trainer.progress(Modality.TEXT).lastDecision()
                                    .filter(d -> !d.accepted() || pipeline.activeModel(Modality.TEXT).version() == d.version())
                                    .isPresent());
                    assertThat(trainer.failure()).as("the trainer runs").isEmpty();

                    Path config = dir.resolve("pipeline.properties");
                    Files.writeString(config, PipelineConfig.BOOTSTRAP_SERVERS + "=" + stack.bootstrapServers() + "\n"
                            + PipelineConfig.SCHEMA_REGISTRY_URL + "=" + stack.registryUrl() + "\n"
                            + PipelineConfig.APPLICATION_ID + "=status-it\n");
                    String pipelineMetrics = "http://localhost:" + pipeline.metricsPort().getAsInt() + "/metrics";
                    String trainerMetrics = "http://localhost:" + telemetry.port().getAsInt() + "/metrics";
                    String[] args = {"status", "--json", "--config", config.toString(), "--pipeline-metrics", pipelineMetrics,
                            "--trainer-metrics", trainerMetrics, "--interval", "PT1S", "--watch", "--count", "2"};
                    // The pipeline embeds and commits on its own schedule: ask until it has done so for every text.
                    AtomicReference<JsonNode> seen = new AtomicReference<>();
                    await("d2v status reports every text embedded and committed, and the version d2v.models names ACTIVE served").atMost(Duration.ofMinutes(1))
                            .pollInterval(Duration.ofMillis(500)).until(() -> {
                                seen.set(status(args));
                                // A new version may be ACTIVE in the log a moment before the pipeline swaps to it.
                                return seen.get().at("/text/pipeline/embedded_total").asDouble() == TEXTS
                                        && seen.get().at("/text/pipeline/lag").asLong(-1) == 0
                                        && seen.get().at("/text/serving/version").asInt()
                                                == seen.get().at("/text/serving/log_active_version").asInt(-1);
                            });
                    JsonNode status = seen.get();
                    // The trainer goes on, so the stack is read again right after: the report must agree with it.
                    TrainerWorker.Progress progress = trainer.progress(Modality.TEXT);
                    int serving = pipeline.activeModel(Modality.TEXT).version();

                    assertThat(status.at("/sources/pipeline_metrics/up").asBoolean()).as("sources: %s", status.get("sources"))
                            .isTrue();
                    assertThat(status.at("/sources/trainer_metrics/up").asBoolean()).isTrue();
                    assertThat(status.at("/sources/models_log/up").asBoolean()).isTrue();
                    assertThat(status.at("/sources/consumer_lag/up").asBoolean()).isTrue();

                    JsonNode text = status.get("text");
                    int reported = text.at("/serving/version").asInt();
                    assertThat(reported).as("the version the pipeline serves (now v%d; trained: %s)", serving,
                            progress.acceptedVersions()).isLessThanOrEqualTo(serving);
                    assertThat(reported == 1 || progress.acceptedVersions().contains(reported))
                            .as("v%d is the seeded one or one the gate accepted", reported).isTrue();
                    assertThat(text.at("/serving/log_active_version").asInt()).as("what d2v.models names ACTIVE")
                            .isEqualTo(reported);
                    assertThat(text.at("/serving/since_ms").asLong()).as("since its ACTIVE announcement").isPositive();
                    assertThat(text.at("/pipeline/embedded_per_s").isNumber()).as("a rate between the two readings").isTrue();
                    assertThat(text.at("/pipeline/dead_lettered_total").asDouble()).as("no bad text was sent").isZero();
                    assertThat(text.at("/trainer/steps").asLong()).as("the trainer's step")
                            .isPositive().isLessThanOrEqualTo(progress.completedSteps());
                    assertThat(text.at("/trainer/samples_read").asLong()).as("samples read").isPositive();
                    assertThat(text.at("/trainer/replay").asLong()).as("samples in replay").isPositive();
                    assertThat(text.at("/trainer/heldout").asLong()).as("held out for the gate").isGreaterThanOrEqualTo(8);
                    assertThat(text.at("/trainer/heldout_loss").isNumber()).as("held-out loss now: %s", text.get("trainer"))
                            .isTrue();
                    JsonNode last = text.get("last_decision");
                    TrainerWorker.Decision decision = progress.decisions().stream()
                            .filter(d -> d.version() == last.path("version").asInt()).findFirst().orElse(null);
                    assertThat(decision).as("the reported decision %s is one the gate made: %s", last, progress.decisions())
                            .isNotNull();
                    assertThat(last.get("status").asText()).isEqualTo(decision.status().name());
                    assertThat(last.get("reason").asText()).as("with the gate's reason").isEqualTo(decision.reason())
                            .isNotBlank();
                    assertThat(last.get("step").asLong()).as("exported at").isEqualTo(decision.step());
                    assertThat(last.at("/metrics/heldout_loss").isNumber()).as("and its measurements").isTrue();
                    assertThat(last.at("/metrics/parity_max_abs_diff").isNumber()).isTrue();
                    assertThat(text.at("/trainer/heldout_loss_at_last_export").asDouble())
                            .as("the held-out loss at the last export is the candidate's")
                            .isEqualTo(last.at("/metrics/heldout_loss").asDouble());

                    JsonNode image = status.get("image");
                    assertThat(image.at("/serving/version").asInt()).as("image serves the seeded v1").isEqualTo(1);
                    assertThat(image.get("trainer").isNull()).as("this trainer does not train image").isTrue();
                    assertThat(image.get("last_decision").isNull()).as("no gate decision on image").isTrue();

                    String plain = run("status", "--config", config.toString(), "--pipeline-metrics", pipelineMetrics,
                            "--trainer-metrics", trainerMetrics, "--interval", "PT0.5S");
                    assertThat(plain).as("the lines a person reads")
                            .containsPattern("(?m)^text +serving v\\d+ since ")
                            .containsPattern("(?m)^ +last gate decision: v\\d+ (ACTIVE|REJECTED) at step \\d+")
                            .containsPattern("(?m)^image +serving v1");
                }
            }
        }
    }

    @Test
    @DisplayName("reports a modality's backfill after a refresh: backfilled of total, records/s, lag, and the cut-over once reached; no bar without a terminal")
    void reportsTheBackfill() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build())) {
            Path models = dir.resolve("models");
            PipelineConfig pipelineConfig = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.APPLICATION_ID, "status-backfill-it",
                    PipelineConfig.TOPIC_PARTITIONS, "2",
                    PipelineConfig.METRICS_PORT, "0",
                    PipelineConfig.SAMPLING_ENABLED, "false",
                    PipelineConfig.BACKFILL_BATCH_SIZE, "8",
                    PipelineConfig.MODEL_STORE_DIR, models.toString()));
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(pipelineConfig);
                 SchemaRegistryClient registry = new RestSchemaRegistryClient(
                         RegistryClientConfig.fromProperties(pipelineConfig.registryProperties()));
                 EventProducer producer = new EventProducer(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), registry)) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                producer.send(pipelineConfig.topics().events(Modality.TEXT), Modality.TEXT,
                        EventInputs.generated(Modality.TEXT, TEXTS, 13, "backfill-"), done -> { });
                Path config = dir.resolve("pipeline.properties");
                Files.writeString(config, PipelineConfig.BOOTSTRAP_SERVERS + "=" + stack.bootstrapServers() + "\n"
                        + PipelineConfig.SCHEMA_REGISTRY_URL + "=" + stack.registryUrl() + "\n"
                        + PipelineConfig.APPLICATION_ID + "=status-backfill-it\n");
                String pipelineMetrics = "http://localhost:" + pipeline.metricsPort().getAsInt() + "/metrics";
                // No trainer here: its source is reported down, which the backfill figures do not need.
                String[] args = {"status", "--json", "--config", config.toString(), "--pipeline-metrics", pipelineMetrics,
                        "--trainer-metrics", "http://localhost:1/metrics", "--interval", "PT1S", "--watch", "--count", "2"};
                await("every text embedded with v1").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                        .until(() -> status(args).at("/text/pipeline/embedded_total").asDouble() == TEXTS);

                // A refresh: v2 in the store, announced ACTIVE (verified first) by d2v models promote.
                int v2 = new ModelStore(models).initDefault(Modality.TEXT, 99).version();
                run("models", "promote", "--modality", "text", String.valueOf(v2), "--store", models.toString(),
                        "--config", config.toString());

                AtomicReference<JsonNode> seen = new AtomicReference<>();
                await("d2v status reports the backfill of v" + v2 + " and its cut-over").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            seen.set(status(args));
                            return seen.get().at("/text/backfill/version").asInt() == v2
                                    && seen.get().at("/text/backfill/cut_over").asBoolean();
                        });
                JsonNode backfill = seen.get().at("/text/backfill");
                assertThat(seen.get().at("/sources/backfill_log/up").asBoolean()).as("sources: %s", seen.get().get("sources"))
                        .isTrue();
                assertThat(backfill.get("state").asText()).isEqualTo("DONE");
                assertThat(backfill.get("total").asLong()).as("the texts below the swap points: all of them, embedded "
                        + "before the refresh").isEqualTo(TEXTS);
                assertThat(backfill.get("backfilled").asLong()).as("every one backfilled").isEqualTo(TEXTS);
                assertThat(backfill.get("percent").asDouble()).isEqualTo(100.0);
                assertThat(backfill.get("lag").asLong()).isZero();
                assertThat(backfill.get("instance_lag").asLong()).as("the pipeline's d2v_backfill_lag").isZero();
                assertThat(backfill.get("records_per_s").isNumber()).as("a rate of d2v_backfill_records_total: %s", backfill)
                        .isTrue();
                assertThat(backfill.get("cut_over_records").asLong()).as("the marker's count of re-embedded records")
                        .isEqualTo(TEXTS);
                assertThat(backfill.get("cut_over_at_ms").asLong()).isPositive();
                assertThat(seen.get().at("/image/backfill/version").asInt())
                        .as("image's first version, with nothing to backfill").isEqualTo(1);

                String plain = run("status", "--config", config.toString(), "--pipeline-metrics", pipelineMetrics,
                        "--trainer-metrics", "http://localhost:1/metrics", "--interval", "PT0.5S");
                assertThat(plain).as("the line a person reads, without a terminal attached: no bar")
                        .containsPattern("(?m)^ +backfill: v" + v2 + " DONE " + TEXTS + "/" + TEXTS
                                + " \\(100%\\), \\d+\\.\\d records/s, lag 0; cut-over reached \\d+ s ago \\(" + TEXTS
                                + " re-embedded, 0 skipped\\)$")
                        .doesNotContain("[#");
            }
        }
    }
}
