package io.d2vstreams.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.gate.HeldOutLossCheck;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a demo run saw on the output topics, per modality: embeddings, dead letters by
 * reason, and the model versions that made the embeddings. Renders the summary a person
 * reads and the one-line JSON of DESIGN.md that tools read.
 */
public final class DemoReport {
    /** Counts for one modality. */
    public static final class ModalityCounts {
        private int produced;
        private int embedded;
        private final SortedMap<String, Integer> deadLetters = new TreeMap<>();
        private final SortedSet<Integer> modelVersions = new TreeSet<>();

        public int produced() {
            return produced;
        }

        public int embedded() {
            return embedded;
        }

        public int deadLettered() {
            return deadLetters.values().stream().mapToInt(Integer::intValue).sum();
        }

        public SortedMap<String, Integer> deadLettersByReason() {
            return deadLetters;
        }

        public SortedSet<Integer> modelVersions() {
            return modelVersions;
        }
    }

    private final Map<Modality, ModalityCounts> counts = new EnumMap<>(Modality.class);
    private double wallSeconds;
    private TrainerWorker.Progress trainer;
    private int refreshedVersion;

    public DemoReport() {
        for (Modality modality : Modality.values()) {
            counts.put(modality, new ModalityCounts());
        }
    }

    void produced(Modality modality, int records) {
        counts.get(modality).produced += records;
    }

    void embedded(Modality modality, int modelVersion) {
        ModalityCounts c = counts.get(modality);
        c.embedded++;
        c.modelVersions.add(modelVersion);
    }

    void deadLettered(Modality modality, String reason) {
        counts.get(modality).deadLetters.merge(reason, 1, Integer::sum);
    }

    /** What the trainer did, and the version the pipeline switched to during the run. */
    void trainer(TrainerWorker.Progress progress, int refreshedVersion) {
        this.trainer = progress;
        this.refreshedVersion = refreshedVersion;
    }

    void wallSeconds(double seconds) {
        this.wallSeconds = seconds;
    }

    public ModalityCounts of(Modality modality) {
        return counts.get(modality);
    }

    public int totalProduced() {
        return counts.values().stream().mapToInt(c -> c.produced).sum();
    }

    public int totalSeen() {
        return counts.values().stream().mapToInt(c -> c.embedded + c.deadLettered()).sum();
    }

    /** The DESIGN.md shape: {@code {"text": {"embedded": n, "dlq": n, "model_versions": [...]}, ...}}. */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        counts.forEach((modality, c) -> {
            ObjectNode node = root.putObject(modality.name().toLowerCase(Locale.ROOT));
            node.put("embedded", c.embedded);
            node.put("dlq", c.deadLettered());
            ArrayNode versions = node.putArray("model_versions");
            c.modelVersions.forEach(versions::add);
            ObjectNode reasons = node.putObject("dlq_reasons");
            c.deadLetters.forEach(reasons::put);
        });
        if (trainer != null) {
            ObjectNode node = root.putObject("trainer");
            node.put("steps", trainer.completedSteps());
            node.put("samples_read", trainer.samplesRead());
            node.put("refreshed_to", refreshedVersion);
            ArrayNode decisions = node.putArray("decisions");
            for (TrainerWorker.Decision d : trainer.decisions()) {
                ObjectNode decision = decisions.addObject();
                decision.put("version", d.version());
                decision.put("status", d.status().name());
                decision.put("step", d.step());
                Double loss = d.metrics().get(HeldOutLossCheck.CANDIDATE_METRIC);
                Double activeLoss = d.metrics().get(HeldOutLossCheck.ACTIVE_METRIC);
                if (loss != null) {
                    decision.put("heldout_loss", loss);
                }
                if (activeLoss != null) {
                    decision.put("previous_heldout_loss", activeLoss);
                }
            }
        }
        return root.toString();
    }

    /** A few lines for a person. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "d2v demo finished in %.1f s%n", wallSeconds));
        out.append(String.format(Locale.ROOT, "%-6s %9s %9s %5s  %-16s %s%n", "", "produced", "embedded", "dlq",
                "model versions", "dead letters by reason"));
        counts.forEach((modality, c) -> out.append(String.format(Locale.ROOT, "%-6s %9d %9d %5d  %-16s %s%n",
                modality.name().toLowerCase(Locale.ROOT), c.produced, c.embedded, c.deadLettered(),
                c.modelVersions.isEmpty() ? "-" : c.modelVersions.toString(),
                c.deadLetters.isEmpty() ? "-" : c.deadLetters.toString())));
        if (trainer != null) {
            out.append(String.format(Locale.ROOT, "trainer: %d data2vec steps on %d sampled texts; the pipeline switched text to v%d%n",
                    trainer.completedSteps(), trainer.samplesRead(), refreshedVersion));
            for (TrainerWorker.Decision d : trainer.decisions()) {
                Double loss = d.metrics().get(HeldOutLossCheck.CANDIDATE_METRIC);
                Double activeLoss = d.metrics().get(HeldOutLossCheck.ACTIVE_METRIC);
                out.append(String.format(Locale.ROOT, "  v%d %s at step %d%s%n", d.version(), d.status(), d.step(),
                        loss == null || activeLoss == null ? ""
                                : String.format(Locale.ROOT, " (held-out loss %.3f, previous version %.3f)", loss, activeLoss)));
            }
        }
        return out.toString();
    }
}
