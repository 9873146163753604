package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.bench.BenchOptions;
import io.d2vstreams.runtime.bench.BenchResult;
import io.d2vstreams.runtime.bench.EncoderBench;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "encoder", mixinStandardHelpOptions = true,
        description = {"Measure the bare encoder on generated inputs of mixed lengths: records per second, batch latency,",
                "achieved GFLOP/s against a same-run GEMM peak, padding efficiency and the preprocessing share of the time."})
final class BenchEncoderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--modality", required = true, paramLabel = "M", converter = ModalityConverter.class,
            description = "text, image or audio.")
    Modality modality;

    @Option(names = "--records", required = true, paramLabel = "N", description = "Timed records.")
    int records;

    @Option(names = "--batch", defaultValue = "" + BenchOptions.DEFAULT_BATCH, paramLabel = "B",
            description = "Records per embed call, the pipeline's micro-batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--window", paramLabel = "W",
            description = "Records per embed call (default: --batch). More lets the encoder sort each call by length "
                    + "into runs of --batch, which shows what length bucketing saves; latency is then per call.")
    Integer window;

    @Option(names = "--threads", paramLabel = "T",
            description = "ONNX Runtime intra-op threads (default: the available processors).")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "D", converter = DeviceConverter.class,
            description = "cpu or cuda; cuda falls back to cpu when unavailable (default: ${DEFAULT-VALUE}).")
    Device device;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Untimed records first (default: two batches or a tenth of --records, whichever is more).")
    Integer warmup;

    @Option(names = "--gemm-size", defaultValue = "" + BenchOptions.DEFAULT_GEMM_SIZE, paramLabel = "N",
            description = "n of the n×n·n×n MatMul that measures the peak GFLOP/s (default: ${DEFAULT-VALUE}).")
    int gemmSize;

    @Option(names = "--seed", defaultValue = "" + BenchOptions.DEFAULT_SEED, paramLabel = "S",
            description = "Seed of the generated inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Make the last line of stdout one JSON object with the figures.")
    boolean json;

    @Mixin
    ModelSelection selection;

    @Override
    public Integer call() throws Exception {
        Logging.quietUnlessVerbose(spec);
        int intraOp = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (intraOp < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, was " + intraOp);
        }
        EncoderOptions encoder = EncoderOptions.defaults().withDevice(device).withThreads(intraOp, 1);
        BenchResult result;
        try (ModelSelection.Selected selected = selection.select(modality, spec.commandLine().getErr())) {
            BenchOptions options = BenchOptions.of(selected.store(), selected.manifest(), records, batch, encoder)
                    .withGemmSize(gemmSize).withSeed(seed);
            if (window != null) {
                options = options.withWindow(window);
            }
            if (warmup != null) {
                options = options.withWarmupRecords(warmup);
            }
            try (StderrProgress progress = new StderrProgress("bench")) {
                result = EncoderBench.run(options.withProgress(done -> progress.update(done, records)));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(table(result));
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(result.toFields()));
        }
        out.flush();
        return 0;
    }

    static String table(BenchResult r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "encoder bench: %s v%d (%s) on %s, %d threads, batch %d%s, %d records%n",
                r.model(), r.modelVersion(), r.modality().folderName(), r.device(), r.threads(), r.batch(),
                r.window() == r.batch() ? "" : " (" + r.window() + " per call)", r.records()));
        row(s, "throughput", "%.1f records/s", r.encoderRps());
        row(s, "latency p50 / p99", "%.2f / %.2f ms per call", r.latencyP50Ms(), r.latencyP99Ms());
        row(s, "achieved", "%.2f GFLOP/s", r.gflops());
        row(s, "GEMM peak", "%.2f GFLOP/s (same session settings)", r.gemmPeakGflops());
        row(s, "compute efficiency", "%.1f %%", 100 * r.computeEfficiency());
        row(s, "padding efficiency", "%.1f %% (mean %.1f positions per record)", 100 * r.paddingEfficiency(),
                r.meanPositions());
        row(s, "preprocessing share", "%.1f %% of embed time", 100 * r.preprocessShare());
        row(s, "resident memory", "%.0f MiB after a tenth, %.0f MiB at the end (%+.1f %%)", r.rssMbEarly(), r.rssMbEnd(),
                100 * r.rssGrowth());
        return s.toString();
    }

    private static void row(StringBuilder s, String label, String format, Object... values) {
        s.append(String.format(Locale.ROOT, "  %-20s", label)).append(String.format(Locale.ROOT, format, values)).append('\n');
    }

    /** {@code cpu} / {@code cuda} in any case. */
    static final class DeviceConverter implements CommandLine.ITypeConverter<Device> {
        @Override
        public Device convert(String value) {
            for (Device d : Device.values()) {
                if (d.name().equalsIgnoreCase(value.trim())) {
                    return d;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a device; expected cpu or cuda");
        }
    }
}
