package io.d2vstreams.cli;

import io.d2vstreams.cli.status.TextProgressBar;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.topology.backfill.BackfillControl;
import io.d2vstreams.topology.backfill.BackfillLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Ask the running pipelines to re-embed a modality's retained input with a version (by default the one",
                "they moved to last), and print the backfill's progress per input partition from d2v.backfill.",
                "Pipelines start a backfill on every version change by themselves unless backfill.auto=false; a",
                "backfill already done (its cut-over published) is not run again."})
final class ModelsBackfillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--modality", required = true, paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio.")
    Modality modality;

    @Option(names = "--version", paramLabel = "V",
            description = "The version to backfill; it must be the one the pipelines serve (default: that one).")
    Integer version;

    @Option(names = "--status", description = "Only print the progress; request nothing.")
    boolean statusOnly;

    @Option(names = "--from-offsets", paramLabel = "P=O", split = ",",
            description = "Re-embed partition P of the input topic only from offset O on (repeatable or comma-separated, "
                    + "e.g. 0=1200,1=980); lower offsets keep the embeddings they have, and the cut-over names these "
                    + "bounds (from_offsets). Partitions not named start at their log start. Set it with the request "
                    + "that starts the backfill (backfill.auto=false); a running backfill takes it from then on.")
    Map<Integer, Long> fromOffsets = new TreeMap<>();

    @Override
    public Integer call() {
        Logging.quietUnlessVerbose(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (SchemaRegistryClient registry = cluster.registry();
             BackfillControl control = new BackfillControl(cluster.clientProperties(), registry, cluster.topics())) {
            BackfillLog log = control.read();
            OptionalInt serving = log.target(modality);
            if (!statusOnly) {
                int target = version != null ? version : serving.orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(), "no pipeline has embedded " + modality.folderName() + " yet (no swap point on "
                        + cluster.topics().backfill() + "): nothing to backfill"));
                if (serving.isPresent() && serving.getAsInt() != target) {
                    throw new CommandLine.ParameterException(spec.commandLine(), modality.folderName() + " v" + target
                            + " is not the version the pipelines serve (v" + serving.getAsInt() + "); promote it first");
                }
                fromOffsets.forEach((partition, offset) -> {
                    if (partition < 0 || offset < 0) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--from-offsets " + partition + "="
                                + offset + ": partition and offset must be 0 or more");
                    }
                });
                log.apply(control.request(modality, target, fromOffsets)); // the progress below then counts from its bounds
                out.println("requested the backfill of " + modality.folderName() + " v" + target
                        + (fromOffsets.isEmpty() ? "" : " from offsets " + fromOffsets));
            }
            print(out, control.status(log, modality), System.console() != null);
        }
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, BackfillControl.Status status, boolean bar) {
        if (status.version().isEmpty()) {
            out.println(status.modality().folderName() + ": no swap point yet");
            return;
        }
        long total = status.total();
        long done = total - status.remaining();
        String percent = total == 0 ? "100%" : (100 * done / total) + "%";
        out.println(status.modality().folderName() + " v" + status.version().getAsInt() + " " + status.state() + " "
                + done + "/" + total + " (" + percent + ")" + (bar ? " " + TextProgressBar.of(done, total) : ""));
        for (BackfillControl.PartitionProgress p : status.partitions()) {
            out.println("  partition " + p.partition() + ": " + p.end().map(end -> Math.min(Math.max(p.position(), p.start()), end)
                    + "/" + end + (p.start() > 0 ? " (from offset " + p.start() + ")" : "")).orElse("waiting for its swap point"));
        }
        status.cutOver().ifPresent(c -> out.println("  cut-over: embedding end offsets " + c.getEmbeddingEndOffsets()
                + " on " + c.getEmbeddingTopic() + ", " + c.getRecords() + " backfilled, " + c.getSkipped() + " skipped"));
    }
}
