package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.cli.bench.PipelineBench;
import io.d2vstreams.cli.bench.PipelineBenchResult;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.bench.BenchOptions;
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

    @Option(names = "--json", description = "Make the last line of stdout one JSON object with the figures.")
    boolean json;

    @Option(names = "--train", paramLabel = "M", split = ",", converter = ModalityConverter.class,
            description = "Measure with a trainer in the same process training these modalities (text, image and/or "
                    + "audio, comma-separated) on a backlog of generated samples, as d2v up runs one; by default none.")
    List<Modality> train = new ArrayList<>();

    @Option(names = "--trainer-setting", paramLabel = "KEY=VALUE",
            description = "A setting of that trainer (repeatable), e.g. trainer.concurrent.steps=3.")
    Map<String, String> trainerSettings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        int intraOp = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        PipelineBenchResult result;
        try (StderrProgress progress = new StderrProgress("pipeline")) {
            result = PipelineBench.runInTemporaryDirectory(new PipelineBench.Options(modality, records, batch, intraOp,
                    partitions, seed, Path.of("."), done -> progress.update(done, records), train, trainerSettings));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(table(result));
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(result.toFields()));
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
                "encoder alone", r.encoder().encoderRps(), "pipeline", r.pipelineRps(), "ratio", r.ratio(),
                "latency p50 / p99", r.latencyP50Ms(), r.latencyP99Ms())
                + (r.training() == null ? "" : String.format(Locale.ROOT,
                        "  %-20ssteps %s during the timed round, trainer.concurrent.steps=%d%n", "trainer beside it",
                        r.training().steps(), r.training().concurrentSteps()));
    }
}
