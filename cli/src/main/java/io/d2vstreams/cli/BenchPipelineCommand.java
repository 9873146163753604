package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.cli.bench.PipelineBench;
import io.d2vstreams.cli.bench.PipelineBenchResult;
import io.d2vstreams.cli.bench.PipelineSweep;
import io.d2vstreams.cli.bench.SweepPlot;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.bench.BenchOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Measure the pipeline end to end on an in-process broker and registry (exactly_once_v2, read_committed)",
                "beside the bare encoder with the same model, batch and threads; prints both and their ratio."})
final class BenchPipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--modality", defaultValue = "text", paramLabel = "M", converter = ModalityConverter.class,
            description = "The path to measure: text, image or audio (default: ${DEFAULT-VALUE}).")
    Modality modality;

    @Option(names = "--records", required = true, paramLabel = "N", description = "Timed records.")
    int records;

    @Option(names = "--batch", defaultValue = "" + BenchOptions.DEFAULT_BATCH, paramLabel = "B",
            description = "Micro-batch size of the measured modality; the encoder runs it in length-sorted runs of "
                    + "encoder.max.run.size, alone and in the pipeline alike (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", paramLabel = "T",
            description = "ONNX Runtime intra-op threads (default: the available processors).")
    Integer threads;

    @Option(names = "--partitions", defaultValue = "1", paramLabel = "P",
            description = "Input partitions, one stream task each (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--seed", defaultValue = "" + BenchOptions.DEFAULT_SEED, paramLabel = "S",
            description = "Seed of the generated inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "R",
            description = "Produce open-loop at R records/s (latency from each record's due time, so a stall counts "
                    + "against every record it delays); 0 produces the whole backlog at once (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--guarantee", defaultValue = "exactly_once_v2", paramLabel = "G",
            description = "The pipeline's processing.guarantee: exactly_once_v2 (production) or at_least_once, to price "
                    + "the guarantee (default: ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(names = "--stand-in", description = "Measure the stream alone: the pipeline runs with a bench-only stand-in "
            + "that answers each record with a constant vector (no preprocessing, no inference); the bare encoder is "
            + "still measured beside it.")
    boolean standIn;

    @Option(names = "--sweep", description = "Run each batch size of --batches: its maximum (a backlog), then open-loop "
            + "loads of 25, 50 and 75 %% of that maximum; --batch and --rate are then ignored.")
    boolean sweep;

    @Option(names = "--batches", split = ",", defaultValue = "8,32,128", paramLabel = "B1,B2,...",
            description = "The batch sizes of --sweep (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "With --sweep: write throughput against batch size and p99 latency against load as a PNG.")
    Path plot;

    @Option(names = "--json", description = "Make the last line of stdout one JSON object with the figures.")
    boolean json;

    @Option(names = "--train", paramLabel = "M", split = ",", converter = ModalityConverter.class,
            description = "Measure with a trainer in the same process training these modalities (text, image and/or "
                    + "audio, comma-separated) on a backlog of generated samples, as d2v up runs one; by default none.")
    List<Modality> train = new ArrayList<>();

    @Option(names = "--trainer-setting", paramLabel = "KEY=VALUE",
            description = "A setting of that trainer (repeatable), e.g. trainer.concurrent.steps=3.")
    Map<String, String> trainerSettings = new LinkedHashMap<>();

    @Option(names = "--pipeline-setting", paramLabel = "KEY=VALUE",
            description = "A setting of the measured pipeline on top of the bench's own (repeatable), e.g. "
                    + "commit.interval.ms=200 or main.consumer.max.partition.fetch.bytes=8388608.")
    Map<String, String> pipelineSettings = new LinkedHashMap<>();

    @Option(names = "--backfill", paramLabel = "H",
            description = "Measure with a backfill beside the timed round: H history records are embedded first, then a "
                    + "second version is announced, so the timed round runs on it while its backfill re-embeds the "
                    + "history (compare pipeline_rps with a run without --backfill).")
    Integer backfillHistory;

    @Option(names = "--backfill-share", paramLabel = "S", defaultValue = "0",
            description = "backfill.max.share for --backfill (default: the pipeline's).")
    double backfillShare;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        int intraOp = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (plot != null && !sweep) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--plot draws a sweep: add --sweep");
        }
        if (sweep) {
            return runSweep(intraOp);
        }
        PipelineBenchResult result;
        try (StderrProgress progress = new StderrProgress("pipeline")) {
            result = PipelineBench.runInTemporaryDirectory(new PipelineBench.Options(modality, records, batch, intraOp,
                    partitions, seed, rate, guarantee, standIn, Path.of("."), done -> progress.update(done, records),
                    train, trainerSettings,
                    backfillHistory == null ? null : new PipelineBench.Backfill(backfillHistory, backfillShare),
                    pipelineSettings));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(table(result));
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(result.toFields()));
        }
        out.flush();
        return 0;
    }

    private int runSweep(int intraOp) throws Exception {
        PipelineBench.Options template = new PipelineBench.Options(modality, records, batches.get(0), intraOp, partitions,
                seed, 0, guarantee, standIn, Path.of("."), null, List.of(), Map.of(), null, pipelineSettings);
        int total = batches.size() * (1 + PipelineSweep.LOADS.size());
        List<PipelineSweep.BatchPoint> points;
        try (StderrProgress progress = new StderrProgress("sweep")) {
            int[] done = {0};
            points = PipelineSweep.run(template, batches, PipelineBench::runInTemporaryDirectory,
                    point -> progress.update(++done[0], total));
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> fields = new ArrayList<>();
        out.printf(Locale.ROOT, "pipeline sweep: %s, %s, %d records a point%n", modality.folderName(), guarantee, records);
        out.printf(Locale.ROOT, "  %-6s %12s %12s %7s   %s%n", "batch", "pipeline/s", "encoder/s", "ratio",
                "p99 ms at 25 / 50 / 75 % load");
        for (PipelineSweep.BatchPoint point : points) {
            out.printf(Locale.ROOT, "  %-6d %12.1f %12.1f %7.3f   %s%n", point.batch(), point.max().pipelineRps(),
                    point.max().encoder().encoderRps(), point.max().ratio(), point.loaded().stream()
                            .map(r -> String.format(Locale.ROOT, "%.0f", r.latencyP99Ms())).toList());
            fields.add(point.max().toFields());
            point.loaded().forEach(r -> fields.add(r.toFields()));
        }
        if (plot != null) {
            SweepPlot.write(points, modality.folderName() + " pipeline, " + guarantee, plot);
            out.printf("  plot: %s%n", plot.toAbsolutePath());
        }
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(Map.of("sweep", fields)));
        }
        out.flush();
        return 0;
    }

    static String table(PipelineBenchResult r) {
        return String.format(Locale.ROOT, "pipeline bench: %s v%d (%s), batch %d in runs of %d, %d threads, %d partition(s), %s, %d records%n"
                        + "  %-20s%.1f records/s%n  %-20s%.1f records/s%n  %-20s%.3f%n  %-20s%.1f / %.1f ms (event time to embedding read)%n",
                r.encoder().model(), r.encoder().modelVersion(), r.encoder().modality().folderName(), r.encoder().window(),
                r.encoder().batch(),
                r.encoder().threads(), r.partitions(), r.guarantee(), r.encoder().records(),
                "encoder alone", r.encoder().encoderRps(), r.standIn() ? "pipeline, stand-in" : "pipeline", r.pipelineRps(),
                "ratio", r.ratio(),
                "latency p50 / p99", r.latencyP50Ms(), r.latencyP99Ms())
                + String.format(Locale.ROOT, "  %-20s%.1f ms; offered %s%n", "latency p99.9", r.latencyP999Ms(),
                r.offeredRate() == 0 ? "a backlog at once" : String.format(Locale.ROOT, "%.0f records/s open-loop", r.offeredRate()))
                + String.format(Locale.ROOT, "  %-20s%.1f us/record (bare encoder: %.1f)%n  %-20s%s%n",
                "CPU", r.cpuMicrosPerRecord().get("total"), r.encoderCpuMicrosPerRecord(), "CPU split (us/rec)",
                r.cpuMicrosPerRecord())
                + (r.streamThreadTime().isEmpty() ? "" : String.format(Locale.ROOT, "  %-20s%s%n",
                        "stream thread time", r.streamThreadTime()))
                + (r.backfill() == null ? "" : String.format(Locale.ROOT,
                        "  %-20s%d records re-embedded during the timed round (%.1f/s), max share %.2f, %s%n",
                        "backfill beside it", r.backfill().records(), r.backfill().recordsPerS(), r.backfill().share(),
                        r.backfill().runningAtEnd() ? "still running at the end" : "finished during the round"))
                + (r.training() == null ? "" : String.format(Locale.ROOT,
                        "  %-20ssteps %s during the timed round, trainer.concurrent.steps=%d%n", "trainer beside it",
                        r.training().steps(), r.training().concurrentSteps()));
    }
}
