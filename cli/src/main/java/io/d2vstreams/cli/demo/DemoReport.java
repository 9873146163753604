package io.d2vstreams.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.d2vstreams.cli.index.SearchHit;
import io.d2vstreams.cli.index.ServingIndexSearch;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.gate.HeldOutLossCheck;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a demo run saw on the output topics, per modality: embeddings, dead letters by reason,
 * the model versions that made the embeddings (all of them, and those of the events produced
 * after the refresh), what the trainer did for that modality, and the closing search of its serving
 * index. Renders the summary a person
 * reads and the one-line JSON of DESIGN.md that tools read.
 */
public final class DemoReport {
    /** Counts for one modality. */
    public static final class ModalityCounts {
        private int produced;
        private int embedded;
        private int embeddedAfterRefresh;
        private final SortedMap<String, Integer> deadLetters = new TreeMap<>();
        private final SortedSet<Integer> modelVersions = new TreeSet<>();
        private final SortedSet<Integer> modelVersionsAfterRefresh = new TreeSet<>();
        private TrainerWorker.Progress trainer;
        private int refreshedTo;
        private int servingVersion;
        private DemoQuery query;
        private ServingIndexSearch.Result search;

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

        /** Embeddings of the events produced once the pipeline served the trainer's version. */
        public int embeddedAfterRefresh() {
            return embeddedAfterRefresh;
        }

        /** The versions that embedded the events produced once the pipeline served the trainer's version. */
        public SortedSet<Integer> modelVersionsAfterRefresh() {
            return modelVersionsAfterRefresh;
        }

        /** The version the pipeline served when the demo saw the trainer's first accepted one; 0 if none. */
        public int refreshedTo() {
            return refreshedTo;
        }

        /** The version the pipeline served at the end, once the trainer had stopped; 0 if not known. */
        public int servingVersion() {
            return servingVersion;
        }

        /** The closing search of the serving index, if one ran. */
        public Optional<ServingIndexSearch.Result> search() {
            return Optional.ofNullable(search);
        }
    }

    private final Map<Modality, ModalityCounts> counts = new EnumMap<>(Modality.class);
    private double wallSeconds;

    public DemoReport() {
        for (Modality modality : Modality.values()) {
            counts.put(modality, new ModalityCounts());
        }
    }

    void produced(Modality modality, int records) {
        counts.get(modality).produced += records;
    }

    void embedded(Modality modality, int modelVersion, boolean afterRefresh) {
        ModalityCounts c = counts.get(modality);
        c.embedded++;
        c.modelVersions.add(modelVersion);
        if (afterRefresh) {
            c.embeddedAfterRefresh++;
            c.modelVersionsAfterRefresh.add(modelVersion);
        }
    }

    void deadLettered(Modality modality, String reason) {
        counts.get(modality).deadLetters.merge(reason, 1, Integer::sum);
    }

    /** What the trainer did for one modality, and the version the pipeline switched it to during the run. */
    void trainer(Modality modality, TrainerWorker.Progress progress, int refreshedTo) {
        ModalityCounts c = counts.get(modality);
        c.trainer = progress;
        c.refreshedTo = refreshedTo;
    }

    /** The closing search: {@code query} against the index of {@code servingVersion}, after its cut-over. */
    void search(Modality modality, int servingVersion, DemoQuery query, ServingIndexSearch.Result result) {
        ModalityCounts c = counts.get(modality);
        c.servingVersion = servingVersion;
        c.query = query;
        c.search = result;
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

    /**
     * The DESIGN.md shape, {@code {"text": {"embedded": n, "dlq": n, "model_versions": [...]}, ...}},
     * with, per modality, the dead letters by reason, the version the pipeline switched to
     * ({@code refreshed_to}), what embedded the events produced after that ({@code after_refresh}),
     * the trainer's steps, samples and gate decisions ({@code trainer}), the version served at the end
     * ({@code serving_version}) and the closing search in its index ({@code search}: the index's
     * version, the query's event id and text, the hits' ids and scores).
     */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        counts.forEach((modality, c) -> {
            ObjectNode node = root.putObject(modality.folderName());
            node.put("embedded", c.embedded);
            node.put("dlq", c.deadLettered());
            ArrayNode versions = node.putArray("model_versions");
            c.modelVersions.forEach(versions::add);
            ObjectNode reasons = node.putObject("dlq_reasons");
            c.deadLetters.forEach(reasons::put);
            if (c.trainer != null) {
                node.put("refreshed_to", c.refreshedTo);
                ObjectNode after = node.putObject("after_refresh");
                after.put("embedded", c.embeddedAfterRefresh);
                ArrayNode afterVersions = after.putArray("model_versions");
                c.modelVersionsAfterRefresh.forEach(afterVersions::add);
                ObjectNode trainer = node.putObject("trainer");
                trainer.put("steps", c.trainer.completedSteps());
                trainer.put("samples_read", c.trainer.samplesRead());
                trainer.put("heldout", c.trainer.heldOut());
                ArrayNode decisions = trainer.putArray("decisions");
                for (TrainerWorker.Decision d : c.trainer.decisions()) {
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
                    decision.put("reason", d.reason());
                }
            }
            if (c.search != null) {
                node.put("serving_version", c.servingVersion);
                ObjectNode search = node.putObject("search");
                search.put("version", c.search.version());
                ObjectNode query = search.putObject("query");
                query.put("id", c.query.eventId());
                if (c.query.text() != null) {
                    query.put("text", c.query.text());
                }
                ArrayNode hits = search.putArray("hits");
                for (SearchHit hit : c.search.hits()) {
                    hits.addObject().put("id", hit.id()).put("score", hit.score());
                }
            }
        });
        return root.toString();
    }

    /** A few lines for a person. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "d2v demo finished in %.1f s%n", wallSeconds));
        out.append(String.format(Locale.ROOT, "%-6s %9s %9s %5s  %-16s %s%n", "", "produced", "embedded", "dlq",
                "model versions", "dead letters by reason"));
        counts.forEach((modality, c) -> out.append(String.format(Locale.ROOT, "%-6s %9d %9d %5d  %-16s %s%n",
                modality.folderName(), c.produced, c.embedded, c.deadLettered(),
                c.modelVersions.isEmpty() ? "-" : c.modelVersions.toString(),
                c.deadLetters.isEmpty() ? "-" : c.deadLetters.toString())));
        if (counts.values().stream().anyMatch(c -> c.trainer != null)) {
            out.append(String.format(Locale.ROOT, "%-7s %5s %8s  %s%n", "trainer", "steps", "samples",
                    "quality gate (held-out loss: candidate vs the version serving then)"));
            counts.forEach((modality, c) -> {
                if (c.trainer != null) {
                    out.append(String.format(Locale.ROOT, "%-7s %5d %8d  %s%n", modality.folderName(),
                            c.trainer.completedSteps(), c.trainer.samplesRead(), decisions(c.trainer.decisions())));
                }
            });
            List<String> after = new ArrayList<>();
            counts.forEach((modality, c) -> {
                if (c.trainer != null) {
                    after.add(String.format(Locale.ROOT, "%d %s with %s", c.embeddedAfterRefresh, plural(modality),
                            c.modelVersionsAfterRefresh));
                }
            });
            out.append("once each served a trained version: ").append(String.join(", ", after))
                    .append(System.lineSeparator());
        }
        if (counts.values().stream().anyMatch(c -> c.search != null)) {
            out.append(String.format(Locale.ROOT, "%-7s %5s  %s%n", "search", "index",
                    "query (one of the demo's events) -> nearest events in that version's index, cosine score"));
            counts.forEach((modality, c) -> {
                if (c.search != null) {
                    List<String> hits = new ArrayList<>();
                    for (SearchHit hit : c.search.hits()) {
                        hits.add(String.format(Locale.ROOT, "%s %.4f", hit.id(), hit.score()));
                    }
                    out.append(String.format(Locale.ROOT, "%-7s %5s  %s%s -> %s%n", modality.folderName(),
                            "v" + c.search.version(), c.query.eventId(),
                            c.query.text() == null ? "" : " \"" + c.query.text() + "\"",
                            hits.isEmpty() ? "no hits" : String.join(", ", hits)));
                }
            });
        }
        return out.toString();
    }

    private static String decisions(List<TrainerWorker.Decision> decisions) {
        if (decisions.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (TrainerWorker.Decision d : decisions) {
            Double loss = d.metrics().get(HeldOutLossCheck.CANDIDATE_METRIC);
            Double activeLoss = d.metrics().get(HeldOutLossCheck.ACTIVE_METRIC);
            parts.add(String.format(Locale.ROOT, "v%d %s at step %d%s", d.version(), d.status(), d.step(),
                    loss == null || activeLoss == null ? ""
                            : String.format(Locale.ROOT, " (%.3f vs %.3f)", loss, activeLoss)));
        }
        return String.join(", ", parts);
    }

    private static String plural(Modality modality) {
        return switch (modality) {
            case TEXT -> "texts";
            case IMAGE -> "images";
            case AUDIO -> "clips";
        };
    }
}
