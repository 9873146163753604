package io.d2vstreams.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillControl;
import io.d2vstreams.topology.backfill.BackfillEvents;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("StatusReport: per modality, from two readings two seconds apart")
class StatusReportTest {
    private static final StatusProbe.Options SOURCES = new StatusProbe.Options(Map.of(), Map.of(), Topics.withDefaultPrefix(),
            "d2v-pipeline", URI.create("http://localhost:9400/metrics"), URI.create("http://localhost:9401/metrics"),
            Duration.ofSeconds(1));
    private static final long T0 = 1_000_000_000L;
    private static final long T1 = T0 + 2_000_000_000L;
    private static final long NOW_MS = 1_700_000_600_000L;

    @Test
    @DisplayName("rates from the counters' difference, the trainer's figures, the serving version since its ACTIVE record, and the gate's last verdict")
    void figures() {
        StatusSnapshot before = snapshot(T0, pipeline(100, 4, 2), trainer(40), Map.of(Modality.TEXT, 0L));
        StatusSnapshot now = snapshot(T1, pipeline(340, 6, 2), trainer(44), Map.of(Modality.TEXT, 17L));

        JsonNode text = StatusReport.between(before, now, SOURCES).toJson().get("text");

        assertThat(text.at("/serving/version").asInt()).as("what the pipeline serves").isEqualTo(2);
        assertThat(text.at("/serving/since_ms").asLong()).as("when d2v.models made it ACTIVE").isEqualTo(NOW_MS - 300_000);
        assertThat(text.at("/pipeline/embedded_per_s").asDouble()).as("240 embedded in 2 s").isCloseTo(120.0, within(1e-9));
        assertThat(text.at("/pipeline/dead_lettered_per_s").asDouble()).as("over every reason").isCloseTo(1.0, within(1e-9));
        assertThat(text.at("/pipeline/lag").asLong()).as("lag now").isEqualTo(17);
        assertThat(text.at("/trainer/steps").asLong()).isEqualTo(44);
        assertThat(text.at("/trainer/steps_per_s").asDouble()).isCloseTo(2.0, within(1e-9));
        assertThat(text.at("/trainer/replay").asLong()).isEqualTo(300);
        assertThat(text.at("/trainer/heldout_loss").asDouble()).as("measured at the last checkpoint").isEqualTo(2.5);
        assertThat(text.at("/trainer/heldout_loss_step").asLong()).isEqualTo(40);
        assertThat(text.at("/trainer/heldout_loss_at_last_export").asDouble()).as("the candidate's, in the verdict")
                .isEqualTo(2.75);
        assertThat(text.at("/last_decision/status").asText()).isEqualTo("ACTIVE");
        assertThat(text.at("/last_decision/reason").asText()).startsWith("passed");
        assertThat(text.at("/last_decision/step").asLong()).isEqualTo(36);
        assertThat(text.at("/last_decision/metrics/active_heldout_loss").asDouble()).isEqualTo(3.0);

        JsonNode image = StatusReport.between(before, now, SOURCES).toJson().get("image");
        assertThat(image.at("/serving/version").asInt()).as("image's gauge").isEqualTo(1);
        assertThat(image.get("trainer").isNull()).as("the trainer does not train image").isTrue();
        assertThat(image.get("last_decision").isNull()).as("no verdict on image yet").isTrue();

        String lines = StatusReport.between(before, now, SOURCES).toText(false);
        assertThat(lines).as("the lines a person reads")
                .containsPattern("(?m)^text +serving v2 since .* \\(5 min ago\\); 120\\.0 embedded/s, 1\\.0 dead-lettered/s, lag 17$")
                .contains("held-out loss 2.500 now (step 40), 2.750 at the last export")
                .contains("last gate decision: v2 ACTIVE at step 36, 5 min ago: passed");
    }

    @Test
    @DisplayName("a source that did not answer leaves its figures null and says why; nothing else is lost")
    void sourceDown() {
        StatusSnapshot before = snapshot(T0, pipeline(100, 4, 2), null, Map.of());
        StatusSnapshot now = new StatusSnapshot(T1, NOW_MS, PrometheusText.parse(pipeline(340, 6, 2)), null, null,
                "http://localhost:9401/metrics: Connection refused", Map.of(Modality.TEXT, active()),
                Map.of(Modality.TEXT, decision()), null, Map.of(), "consumer group d2v-pipeline: timed out", Map.of(),
                "d2v.backfill: timed out");

        JsonNode json = StatusReport.between(before, now, SOURCES).toJson();

        assertThat(json.at("/text/trainer").isNull()).as("no trainer figures").isTrue();
        assertThat(json.at("/text/pipeline/embedded_per_s").asDouble()).as("the pipeline's still there").isEqualTo(120.0);
        assertThat(json.at("/text/pipeline/lag").isNull()).as("no lag").isTrue();
        assertThat(json.at("/sources/trainer_metrics/up").asBoolean()).isFalse();
        assertThat(json.at("/sources/trainer_metrics/error").asText()).contains("Connection refused");
        assertThat(json.at("/sources/consumer_lag/error").asText()).contains("timed out");
        assertThat(json.at("/sources/pipeline_metrics/up").asBoolean()).isTrue();
        assertThat(StatusReport.between(before, now, SOURCES).toText(false)).as("the lines say which source is down")
                .contains("trainer metrics: http://localhost:9401/metrics: Connection refused")
                .contains("trainer: no figures (its /metrics did not answer)")
                .contains("backfill: no figures (d2v.backfill could not be read)")
                .contains("backfill log: d2v.backfill: timed out");
    }

    @Test
    @DisplayName("a backfill in progress: backfilled of total from d2v.backfill, records/s from the pipeline's counter, lag, no cut-over; a bar only for a terminal")
    void backfillRunning() {
        String metrics = "d2v_backfill_lag{modality=\"text\"} 42.0\n";
        StatusSnapshot before = withBackfill(T0, metrics + "d2v_backfill_records_total{modality=\"text\"} 30.0\n",
                Map.of(Modality.TEXT, text(20, 10, null)));
        StatusSnapshot now = withBackfill(T1, metrics + "d2v_backfill_records_total{modality=\"text\"} 54.0\n",
                Map.of(Modality.TEXT, text(38, 20, null), Modality.IMAGE, new BackfillControl.Status(Modality.IMAGE,
                        OptionalInt.empty(), "NONE", List.of(), Optional.empty())));

        StatusReport report = StatusReport.between(before, now, SOURCES);
        JsonNode backfill = report.toJson().at("/text/backfill");

        assertThat(backfill.path("version").asInt()).isEqualTo(2);
        assertThat(backfill.path("state").asText()).isEqualTo("RUNNING");
        assertThat(backfill.path("backfilled").asLong()).as("38 + 20 input records below the swap points").isEqualTo(58);
        assertThat(backfill.path("total").asLong()).as("60 + 40").isEqualTo(100);
        assertThat(backfill.path("percent").asDouble()).isEqualTo(58.0);
        assertThat(backfill.path("lag").asLong()).as("still to backfill, every partition").isEqualTo(42);
        assertThat(backfill.path("instance_lag").asLong()).as("the scraped instance's gauge").isEqualTo(42);
        assertThat(backfill.path("records_per_s").asDouble()).as("24 more in 2 s").isCloseTo(12.0, within(1e-9));
        assertThat(backfill.path("cut_over").asBoolean()).isFalse();
        assertThat(report.toJson().at("/image/backfill/state").asText()).isEqualTo("NONE");
        assertThat(report.toJson().at("/audio/backfill").isNull()).as("not in the log's summary: no figures").isTrue();

        assertThat(report.toText(true)).as("with a terminal")
                .contains("backfill: v2 RUNNING 58/100 (58%) [#################-------------], 12.0 records/s, lag 42; "
                        + "cut-over not reached yet")
                .contains("backfill: none yet (no swap point on d2v.backfill)");
        assertThat(report.toText(false)).as("without one, no bar")
                .contains("backfill: v2 RUNNING 58/100 (58%), 12.0 records/s, lag 42; cut-over not reached yet")
                .doesNotContain("[#");
    }

    @Test
    @DisplayName("a finished backfill: every record below the swap points, and the cut-over reached with its counts")
    void backfillDone() {
        BackfillEvent cutOver = BackfillEvents.cutOver(Modality.TEXT, 2, Map.of(), Map.of(0, 60L, 1, 40L), "d2v.embeddings.text",
                Map.of(0, 130L, 1, 90L), 98, 2, NOW_MS - 30_000);
        String metrics = "d2v_backfill_records_total{modality=\"text\"} 98.0\nd2v_backfill_lag{modality=\"text\"} 0.0\n";
        StatusSnapshot before = withBackfill(T0, metrics, Map.of(Modality.TEXT, text(60, 40, cutOver)));
        StatusSnapshot now = withBackfill(T1, metrics, Map.of(Modality.TEXT, text(60, 40, cutOver)));

        StatusReport report = StatusReport.between(before, now, SOURCES);
        JsonNode backfill = report.toJson().at("/text/backfill");

        assertThat(backfill.path("state").asText()).isEqualTo("DONE");
        assertThat(backfill.path("backfilled").asLong()).isEqualTo(100);
        assertThat(backfill.path("lag").asLong()).isZero();
        assertThat(backfill.path("cut_over").asBoolean()).isTrue();
        assertThat(backfill.path("cut_over_at_ms").asLong()).isEqualTo(NOW_MS - 30_000);
        assertThat(backfill.path("cut_over_records").asLong()).isEqualTo(98);
        assertThat(backfill.path("cut_over_skipped").asLong()).isEqualTo(2);
        assertThat(report.toText(true)).contains("backfill: v2 DONE 100/100 (100%) [" + "#".repeat(30) + "], 0.0 records/s, "
                + "lag 0; cut-over reached 30 s ago (98 re-embedded, 2 skipped)");
    }

    @Test
    @DisplayName("a pipeline still serving another version than d2v.models names ACTIVE is reported as such, with no 'since'")
    void swapPending() {
        StatusSnapshot before = snapshot(T0, pipeline(100, 4, 1), trainer(40), Map.of());
        StatusSnapshot now = snapshot(T1, pipeline(100, 4, 1), trainer(40), Map.of());

        JsonNode text = StatusReport.between(before, now, SOURCES).toJson().get("text");

        assertThat(text.at("/serving/version").asInt()).as("what the pipeline serves").isEqualTo(1);
        assertThat(text.at("/serving/log_active_version").asInt()).isEqualTo(2);
        assertThat(text.at("/serving/since_ms").isNull()).isTrue();
        assertThat(StatusReport.between(before, now, SOURCES).toText(false)).contains("though d2v.models names v2 ACTIVE");
    }

    private static StatusSnapshot snapshot(long nanos, String pipeline, String trainer, Map<Modality, Long> lag) {
        return new StatusSnapshot(nanos, NOW_MS, PrometheusText.parse(pipeline), null,
                trainer == null ? null : PrometheusText.parse(trainer), trainer == null ? "down" : null,
                Map.of(Modality.TEXT, active()), Map.of(Modality.TEXT, decision()), null, lag, null, Map.of(), null);
    }

    private static StatusSnapshot withBackfill(long nanos, String pipeline, Map<Modality, BackfillControl.Status> backfill) {
        return new StatusSnapshot(nanos, NOW_MS, PrometheusText.parse(pipeline), null, null, "down",
                Map.of(Modality.TEXT, active()), Map.of(Modality.TEXT, decision()), null, Map.of(), null, backfill, null);
    }

    /** Text v2 backfilled up to {@code positions} on two partitions whose swap points are 60 and 40. */
    private static BackfillControl.Status text(long position0, long position1, BackfillEvent cutOver) {
        return new BackfillControl.Status(Modality.TEXT, OptionalInt.of(2), cutOver == null ? "RUNNING" : "DONE",
                List.of(new BackfillControl.PartitionProgress(0, position0, Optional.of(60L)),
                        new BackfillControl.PartitionProgress(1, position1, Optional.of(40L))),
                Optional.ofNullable(cutOver));
    }

    private static String pipeline(int embedded, int deadLettered, int version) {
        return "d2v_records_embedded_total{modality=\"text\"} " + embedded + ".0\n"
                + "d2v_records_dead_lettered_total{modality=\"text\",reason=\"EMPTY_TEXT\"} " + deadLettered + ".0\n"
                + "d2v_model_version{modality=\"text\"} " + version + ".0\n"
                + "d2v_model_version{modality=\"image\"} 1.0\n";
    }

    private static String trainer(int steps) {
        return "d2v_trainer_steps_total{modality=\"text\"} " + steps + ".0\n"
                + "d2v_trainer_samples_read_total{modality=\"text\"} 400.0\n"
                + "d2v_trainer_replay_samples{modality=\"text\"} 300.0\n"
                + "d2v_trainer_fresh_samples{modality=\"text\"} 12.0\n"
                + "d2v_trainer_heldout_samples{modality=\"text\"} 40.0\n"
                + "d2v_trainer_loss{modality=\"text\"} 2.4\n"
                + "d2v_trainer_heldout_loss{modality=\"text\"} 2.5\n"
                + "d2v_trainer_heldout_loss_step{modality=\"text\"} 40.0\n";
    }

    private static ModelVersion active() {
        return version(ModelStatus.ACTIVE, "passed", Map.of("heldout_loss", 2.75, "active_heldout_loss", 3.0, "step", 36.0),
                NOW_MS - 300_000);
    }

    private static ModelVersion decision() {
        return active();
    }

    private static ModelVersion version(ModelStatus status, String reason, Map<String, Double> metrics, long at) {
        return ModelVersion.newBuilder().setModality(io.d2vstreams.avro.Modality.TEXT).setModel("data2vec-text-tiny")
                .setVersion(2).setUri("text/v2").setSha256("ab").setDim(64).setStatus(status)
                .setReason(reason + " active_heldout_loss=3.000 heldout_loss=2.750").setMetrics(metrics)
                .setCreatedAtMs(at).build();
    }
}
