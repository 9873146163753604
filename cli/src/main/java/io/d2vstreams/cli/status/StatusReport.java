package io.d2vstreams.cli.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.topology.backfill.BackfillControl;
import io.d2vstreams.trainer.gate.HeldOutLossCheck;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Per modality, what the loop is doing, from two {@link StatusSnapshot}s a few seconds apart (rates
 * need two readings of a counter): the serving version and since when, records embedded and
 * dead-lettered per second, the pipeline's lag, the trainer's step, replay and held-out figures,
 * the gate's last verdict with its reason and measurements, and the backfill of the version served
 * (progress, records/s, lag, whether its cut-over is reached). Renders the lines a person reads
 * and one JSON object for tools.
 */
public final class StatusReport {
    // The Prometheus names Micrometer gives the pipeline's meters (MicrometerPipelineMetrics) and the
    // trainer process's (cli's TrainerTelemetry): dots become underscores, counters end in _total.
    static final String EMBEDDED = "d2v_records_embedded_total";
    static final String DEAD_LETTERED = "d2v_records_dead_lettered_total";
    static final String MODEL_VERSION = "d2v_model_version";
    static final String TRAINER_STEPS = "d2v_trainer_steps_total";
    static final String TRAINER_SAMPLES_READ = "d2v_trainer_samples_read_total";
    static final String TRAINER_UNUSABLE = "d2v_trainer_samples_unusable_total";
    static final String TRAINER_LOSS = "d2v_trainer_loss";
    static final String TRAINER_HELDOUT = "d2v_trainer_heldout_samples";
    static final String TRAINER_REPLAY = "d2v_trainer_replay_samples";
    static final String TRAINER_FRESH = "d2v_trainer_fresh_samples";
    static final String TRAINER_HELDOUT_LOSS = "d2v_trainer_heldout_loss";
    static final String TRAINER_HELDOUT_LOSS_STEP = "d2v_trainer_heldout_loss_step";
    static final String BACKFILL_RECORDS = "d2v_backfill_records_total";
    static final String BACKFILL_LAG = "d2v_backfill_lag";
    /** The measurement the trainer adds to every verdict: the step the candidate was exported at. */
    static final String STEP_METRIC = "step";

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final StatusSnapshot before;
    private final StatusSnapshot now;
    private final StatusProbe.Options sources;

    private StatusReport(StatusSnapshot before, StatusSnapshot now, StatusProbe.Options sources) {
        this.before = before;
        this.now = now;
        this.sources = sources;
    }

    /** The report of {@code now}, with rates over the time since {@code before}. */
    public static StatusReport between(StatusSnapshot before, StatusSnapshot now, StatusProbe.Options sources) {
        return new StatusReport(before, now, sources);
    }

    /**
     * {@code {"text": {"serving": {...}, "pipeline": {...}, "trainer": {...}, "last_decision": {...}},
     * "image": {...}, "audio": {...}, "taken_at_ms": n, "sources": {...}}}}; a figure whose source did
     * not answer is null, and {@code sources} says why.
     */
    public ObjectNode toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        for (Modality modality : Modality.values()) {
            ObjectNode node = root.putObject(modality.folderName());
            serving(modality, node.putObject("serving"));
            pipeline(modality, node.putObject("pipeline"));
            trainer(modality, node);
            ModelVersion decision = now.lastDecision().get(modality);
            if (decision == null) {
                node.putNull("last_decision");
            } else {
                decision(decision, node.putObject("last_decision"));
            }
            backfill(modality, node);
        }
        root.put("taken_at_ms", now.millis());
        ObjectNode src = root.putObject("sources");
        source(src.putObject("pipeline_metrics"), sources.pipelineMetrics().toString(), now.pipelineError());
        source(src.putObject("trainer_metrics"), sources.trainerMetrics().toString(), now.trainerError());
        source(src.putObject("models_log"), sources.topics().models(), now.modelsError());
        source(src.putObject("consumer_lag"), sources.applicationId(), now.lagError());
        source(src.putObject("backfill_log"), sources.topics().backfill(), now.backfillError());
        return root;
    }

    /**
     * One block of lines per modality, then the sources that did not answer.
     *
     * @param progressBars draw each backfill's progress as a bar too: for a terminal, not for a log or a pipe
     */
    public String toText(boolean progressBars) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "d2v status at %s (pipeline %s, trainer %s, %s)%n",
                CLOCK.format(Instant.ofEpochMilli(now.millis())), sources.pipelineMetrics(), sources.trainerMetrics(),
                sources.topics().models()));
        ObjectNode json = toJson();
        for (Modality modality : Modality.values()) {
            ObjectNode m = (ObjectNode) json.get(modality.folderName());
            String name = modality.folderName();
            out.append(String.format(Locale.ROOT, "%-6s %s; %s embedded/s, %s dead-lettered/s, lag %s%n", name,
                    servingText(m.get("serving")), number(m.get("pipeline").get("embedded_per_s"), "%.1f"),
                    number(m.get("pipeline").get("dead_lettered_per_s"), "%.1f"), number(m.get("pipeline").get("lag"), "%.0f")));
            if (m.get("trainer").isNull()) {
                out.append(String.format(Locale.ROOT, "%-6s trainer: %s%n", "",
                        now.trainer() == null ? "no figures (its /metrics did not answer)" : "does not train " + name));
            } else {
                var t = m.get("trainer");
                out.append(String.format(Locale.ROOT, "%-6s trainer: step %s (%s steps/s), %s samples read, %s in replay, "
                                + "%s fresh, %s held out; loss %s%n", "", number(t.get("steps"), "%.0f"),
                        number(t.get("steps_per_s"), "%.2f"), number(t.get("samples_read"), "%.0f"),
                        number(t.get("replay"), "%.0f"), number(t.get("fresh"), "%.0f"), number(t.get("heldout"), "%.0f"),
                        number(t.get("loss"), "%.3f")));
                if (t.get("heldout_loss").isNull() && t.get("heldout_loss_at_last_export").isNull()) {
                    out.append(String.format(Locale.ROOT, "%-6s          held-out loss not measured yet (at the first "
                            + "checkpoint or export with gate.heldout.min samples held out)%n", ""));
                } else {
                    out.append(String.format(Locale.ROOT, "%-6s          held-out loss %s now%s, %s at the last export%n", "",
                            number(t.get("heldout_loss"), "%.3f"),
                            t.get("heldout_loss_step").isNull() ? "" : " (step " + t.get("heldout_loss_step").asLong() + ")",
                            number(t.get("heldout_loss_at_last_export"), "%.3f")));
                }
            }
            var d = m.get("last_decision");
            out.append(String.format(Locale.ROOT, "%-6s last gate decision: %s%n", "", d.isNull() ? "none yet"
                    : String.format(Locale.ROOT, "v%d %s%s, %s: %s", d.get("version").asInt(), d.get("status").asText(),
                            d.get("step").isNull() ? "" : " at step " + d.get("step").asLong(),
                            ago(d.get("at_ms").asLong()), d.get("reason").asText())));
            out.append(String.format(Locale.ROOT, "%-6s backfill: %s%n", "", backfillText(m.get("backfill"), progressBars)));
        }
        for (var source : (Iterable<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) () -> json.get("sources").fields()) {
            if (!source.getValue().get("error").isNull()) {
                out.append(String.format(Locale.ROOT, "%s: %s%n", source.getKey().replace('_', ' '),
                        source.getValue().get("error").asText()));
            }
        }
        return out.toString();
    }

    private void serving(Modality modality, ObjectNode node) {
        Integer pipelineVersion = now.pipelineMetrics()
                .flatMap(p -> toOptional(p.value(MODEL_VERSION, Map.of("modality", modality.folderName()))))
                .map(v -> (int) Math.round(v)).orElse(null);
        ModelVersion active = now.active().get(modality);
        Integer version = pipelineVersion != null ? pipelineVersion : active == null ? null : active.getVersion();
        putInt(node, "version", version);
        putInt(node, "pipeline_version", pipelineVersion);
        putInt(node, "log_active_version", active == null ? null : active.getVersion());
        if (active != null && version != null && active.getVersion() == version) {
            node.put("model", active.getModel());
            node.put("since_ms", active.getCreatedAtMs());
        } else {
            node.putNull("model");
            node.putNull("since_ms");
        }
    }

    private void pipeline(Modality modality, ObjectNode node) {
        String tag = modality.folderName();
        putDouble(node, "embedded_per_s", rate(before.pipeline(), now.pipeline(),
                p -> p.sum(EMBEDDED, labels -> tag.equals(labels.get("modality")))));
        putDouble(node, "dead_lettered_per_s", rate(before.pipeline(), now.pipeline(),
                p -> p.sum(DEAD_LETTERED, labels -> tag.equals(labels.get("modality")))));
        putDouble(node, "embedded_total", now.pipelineMetrics()
                .flatMap(p -> toOptional(p.sum(EMBEDDED, labels -> tag.equals(labels.get("modality"))))).orElse(null));
        putDouble(node, "dead_lettered_total", now.pipelineMetrics()
                .flatMap(p -> toOptional(p.sum(DEAD_LETTERED, labels -> tag.equals(labels.get("modality"))))).orElse(null));
        Long lag = now.lag().get(modality);
        if (lag == null) {
            node.putNull("lag");
        } else {
            node.put("lag", lag);
        }
    }

    private void trainer(Modality modality, ObjectNode parent) {
        Map<String, String> tag = Map.of("modality", modality.folderName());
        OptionalDouble steps = now.trainer() == null ? OptionalDouble.empty() : now.trainer().value(TRAINER_STEPS, tag);
        if (steps.isEmpty()) {
            parent.putNull("trainer"); // its /metrics did not answer, or it does not train this modality
            return;
        }
        ObjectNode node = parent.putObject("trainer");
        node.put("steps", (long) steps.getAsDouble());
        putDouble(node, "steps_per_s", rate(before.trainer(), now.trainer(), p -> p.value(TRAINER_STEPS, tag)));
        putLong(node, "samples_read", now.trainer().value(TRAINER_SAMPLES_READ, tag));
        putLong(node, "samples_unusable", now.trainer().value(TRAINER_UNUSABLE, tag));
        putLong(node, "replay", now.trainer().value(TRAINER_REPLAY, tag));
        putLong(node, "fresh", now.trainer().value(TRAINER_FRESH, tag));
        putLong(node, "heldout", now.trainer().value(TRAINER_HELDOUT, tag));
        putDouble(node, "loss", finite(now.trainer().value(TRAINER_LOSS, tag)));
        putDouble(node, "heldout_loss", finite(now.trainer().value(TRAINER_HELDOUT_LOSS, tag)));
        OptionalDouble measuredAt = now.trainer().value(TRAINER_HELDOUT_LOSS_STEP, tag);
        putLong(node, "heldout_loss_step", measuredAt.isPresent() && measuredAt.getAsDouble() >= 0 ? measuredAt
                : OptionalDouble.empty());
        ModelVersion decision = now.lastDecision().get(modality);
        Double atExport = decision == null ? null : decision.getMetrics().get(HeldOutLossCheck.CANDIDATE_METRIC);
        putDouble(node, "heldout_loss_at_last_export", atExport);
    }

    /**
     * The backfill of the version the live pipeline moved to last, running or finished: from
     * {@code d2v.backfill} (progress per input partition, the cut-over marker, so over every instance)
     * and the scraped instance's {@code /metrics} (its records/s and its own partitions' lag); null when
     * the log could not be read.
     */
    private void backfill(Modality modality, ObjectNode parent) {
        BackfillControl.Status status = now.backfill().get(modality);
        if (status == null) {
            parent.putNull("backfill");
            return;
        }
        ObjectNode node = parent.putObject("backfill");
        putInt(node, "version", status.version().isPresent() ? status.version().getAsInt() : null);
        node.put("state", status.state());
        long total = status.total();
        long done = total - status.remaining();
        node.put("backfilled", done);
        node.put("total", total);
        node.put("percent", total == 0 ? 100.0 : Math.floor(1000.0 * done / total) / 10);
        node.put("lag", status.remaining());
        String tag = modality.folderName();
        putDouble(node, "records_per_s", rate(before.pipeline(), now.pipeline(),
                p -> p.sum(BACKFILL_RECORDS, labels -> tag.equals(labels.get("modality")))));
        putLong(node, "instance_lag", now.pipeline() == null ? OptionalDouble.empty()
                : now.pipeline().value(BACKFILL_LAG, Map.of("modality", tag)));
        node.put("cut_over", status.cutOver().isPresent());
        if (status.cutOver().isPresent()) {
            node.put("cut_over_at_ms", status.cutOver().get().getCreatedAtMs());
            node.put("cut_over_records", status.cutOver().get().getRecords());
            node.put("cut_over_skipped", status.cutOver().get().getSkipped());
        } else {
            node.putNull("cut_over_at_ms");
            node.putNull("cut_over_records");
            node.putNull("cut_over_skipped");
        }
    }

    private String backfillText(com.fasterxml.jackson.databind.JsonNode b, boolean progressBars) {
        if (b.isNull()) {
            return "no figures (" + sources.topics().backfill() + " could not be read)";
        }
        if (b.get("version").isNull()) {
            return "none yet (no swap point on " + sources.topics().backfill() + ")";
        }
        long done = b.get("backfilled").asLong();
        long total = b.get("total").asLong();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "v%d %s %d/%d (%d%%)", b.get("version").asInt(),
                b.get("state").asText(), done, total, total == 0 ? 100 : 100 * done / total));
        if (progressBars) {
            s.append(' ').append(TextProgressBar.of(done, total));
        }
        s.append(String.format(Locale.ROOT, ", %s records/s, lag %d; ", number(b.get("records_per_s"), "%.1f"),
                b.get("lag").asLong()));
        if (b.get("cut_over").asBoolean()) {
            s.append(String.format(Locale.ROOT, "cut-over reached %s (%d re-embedded, %d skipped)",
                    ago(b.get("cut_over_at_ms").asLong()), b.get("cut_over_records").asLong(),
                    b.get("cut_over_skipped").asLong()));
        } else {
            s.append("cut-over not reached yet");
        }
        return s.toString();
    }

    private static void decision(ModelVersion decision, ObjectNode node) {
        node.put("version", decision.getVersion());
        node.put("status", decision.getStatus().name());
        node.put("reason", decision.getReason() == null ? "" : decision.getReason());
        Double step = decision.getMetrics().get(STEP_METRIC);
        putLong(node, "step", step == null ? OptionalDouble.empty() : OptionalDouble.of(step));
        node.put("at_ms", decision.getCreatedAtMs());
        ObjectNode metrics = node.putObject("metrics");
        new TreeMap<>(decision.getMetrics()).forEach(metrics::put);
    }

    private static void source(ObjectNode node, String where, String error) {
        node.put("at", where);
        node.put("up", error == null);
        if (error == null) {
            node.putNull("error");
        } else {
            node.put("error", error);
        }
    }

    /** (counter now − counter before) / seconds between; null without two readings. */
    private Double rate(PrometheusText earlier, PrometheusText later,
                        java.util.function.Function<PrometheusText, OptionalDouble> read) {
        if (earlier == null || later == null || now.nanos() <= before.nanos()) {
            return null;
        }
        OptionalDouble a = read.apply(earlier);
        OptionalDouble b = read.apply(later);
        // A counter absent before appears at 0 (a meter registered on first use); a restarted process resets it.
        double from = a.orElse(0);
        if (b.isEmpty()) {
            return a.isEmpty() ? 0.0 : null;
        }
        double delta = b.getAsDouble() - from;
        // Three decimals: a rate over a couple of seconds carries no more.
        return delta < 0 ? null : Math.round(delta / ((now.nanos() - before.nanos()) / 1e9) * 1000) / 1000.0;
    }

    private String servingText(com.fasterxml.jackson.databind.JsonNode serving) {
        if (serving.get("version").isNull()) {
            return "serving: unknown";
        }
        StringBuilder s = new StringBuilder("serving v" + serving.get("version").asInt());
        if (!serving.get("since_ms").isNull()) {
            s.append(" since ").append(CLOCK.format(Instant.ofEpochMilli(serving.get("since_ms").asLong())))
                    .append(" (").append(ago(serving.get("since_ms").asLong())).append(")");
        }
        var log = serving.get("log_active_version");
        if (!serving.get("pipeline_version").isNull() && !log.isNull() && log.asInt() != serving.get("version").asInt()) {
            s.append(", though d2v.models names v").append(log.asInt()).append(" ACTIVE (a swap pending or refused)");
        }
        return s.toString();
    }

    private String ago(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, now.millis() - millis));
        if (d.toMinutes() < 1) {
            return d.toSeconds() + " s ago";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + " min ago";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min ago";
    }

    private static String number(com.fasterxml.jackson.databind.JsonNode value, String format) {
        return value == null || value.isNull() ? "-" : String.format(Locale.ROOT, format, value.asDouble());
    }

    private static java.util.Optional<Double> toOptional(OptionalDouble value) {
        return value.isPresent() ? java.util.Optional.of(value.getAsDouble()) : java.util.Optional.empty();
    }

    private static Double finite(OptionalDouble value) {
        return value.isPresent() && Double.isFinite(value.getAsDouble()) ? value.getAsDouble() : null;
    }

    private static void putInt(ObjectNode node, String key, Integer value) {
        if (value == null) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    private static void putLong(ObjectNode node, String key, OptionalDouble value) {
        if (value.isPresent()) {
            node.put(key, (long) value.getAsDouble());
        } else {
            node.putNull(key);
        }
    }

    private static void putDouble(ObjectNode node, String key, Double value) {
        if (value == null) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
