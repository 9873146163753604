package io.d2vstreams.runtime.bench;

import ai.onnxruntime.OrtException;
import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.internal.OrtEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a bare encoder the way the pipeline drives it: {@code embed} calls of {@code batch}
 * generated inputs, each call one model run ({@code maxBatch = batch}), after a warm-up. A
 * larger {@code window} makes each call span several runs, sorted by length, to show what
 * bucketing saves.
 *
 * <p>Besides throughput and per-call latency it says how close the encoder comes to the
 * hardware: the FLOPs it executed ({@link TransformerFlops} and the workloads' front ends, from
 * the config and the actual input lengths) per second, against the float32 GEMM rate ONNX
 * Runtime reaches with the same settings in the same run ({@link GemmPeak}). Padding efficiency
 * and the preprocessing share of the time say where the rest goes. Lengths and preprocessing
 * time come from the encoder's own preprocessing set-up run over the same calls after the timed
 * loop ({@link Workload#work}), so the loop times exactly what the pipeline runs and nothing else.
 */
public final class EncoderBench {

    private static final Logger LOG = LoggerFactory.getLogger(EncoderBench.class);

    private EncoderBench() {}

    /** @throws io.d2vstreams.runtime.ModelLoadException when the model does not load */
    public static BenchResult run(BenchOptions options) {
        ModelManifest model = options.model();
        try {
            return switch (model.modality()) {
                case TEXT -> measure(options, new TextWorkload(options.store(), model, options.seed()));
                case IMAGE -> measure(options, new ImageWorkload(options.store(), model, options.seed()));
                case AUDIO -> measure(options, new AudioWorkload(options.store(), model, options.seed()));
            };
        } catch (IOException e) {
            throw new UncheckedIOException("bench of " + model.name() + " v" + model.version() + " failed: " + e.getMessage(), e);
        } catch (OrtException e) {
            throw new IllegalStateException("the GEMM probe failed in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static <I> BenchResult measure(BenchOptions o, Workload<I> workload) throws IOException, OrtException {
        try (workload) {
            ModelManifest model = o.model();
            EncoderOptions encoderOptions = o.encoder().withMaxBatch(o.batch());
            List<List<I>> warmup = calls(workload.inputs(o.warmupRecords()), o.window());
            List<List<I>> timed = calls(workload.inputs(o.records()), o.window());

            long[] latencies = new long[timed.size()];
            long elapsed;
            Device device;
            double rssEarly = Double.NaN;
            double rssEnd;
            try (Encoder<I> encoder = workload.open(encoderOptions)) {
                device = encoder instanceof OrtEncoder<?> ort ? ort.device() : encoderOptions.device();
                for (List<I> call : warmup) {
                    encoder.embed(call);
                }
                int done = 0;
                int tenth = Math.max(1, timed.size() / 10);
                long start = System.nanoTime();
                for (int i = 0; i < timed.size(); i++) {
                    long t = System.nanoTime();
                    encoder.embed(timed.get(i));
                    latencies[i] = System.nanoTime() - t;
                    done += timed.get(i).size();
                    o.progress().accept(done);
                    if (i + 1 == tenth) {
                        // After a tenth, warm-up allocations are done: later growth would be a leak.
                        rssEarly = ResidentMemory.mebibytes();
                    }
                }
                elapsed = System.nanoTime() - start;
                rssEnd = ResidentMemory.mebibytes();
            }
            CallWork work = CallWork.NONE;
            for (List<I> call : timed) {
                work = work.plus(workload.work(call, o.batch()));
            }
            GemmPeak.Measurement peak = GemmPeak.measure(encoderOptions, o.gemmSize());

            double seconds = elapsed / 1e9;
            double gflops = work.flops() / elapsed;
            Arrays.sort(latencies);
            BenchResult result = new BenchResult(model.name(), model.version(), model.modality(), o.records(),
                    o.batch(), o.window(), device, encoderOptions.intraOpThreads(), seconds, o.records() / seconds,
                    percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
                    gflops, peak.gflops(), gflops / peak.gflops(),
                    work.paddedPositions() == 0 ? 1.0 : (double) work.realPositions() / work.paddedPositions(),
                    Math.min(1.0, (double) work.preprocessNanos() / elapsed),
                    (double) work.realPositions() / o.records(), rssEarly, rssEnd);
            LOG.info("event=encoder_bench modality={} model={} version={} batch={} window={} records={} encoder_rps={}"
                    + " gflops={} gemm_peak_gflops={}", model.modality(), model.name(), model.version(), o.batch(),
                    o.window(), o.records(), Math.round(result.encoderRps()), String.format("%.2f", gflops),
                    String.format("%.2f", peak.gflops()));
            return result;
        }
    }

    private static <I> List<List<I>> calls(List<I> inputs, int size) {
        int count = (inputs.size() + size - 1) / size;
        return IntStream.range(0, count)
                .mapToObj(i -> inputs.subList(i * size, Math.min(inputs.size(), (i + 1) * size)))
                .toList();
    }

    /** Nearest rank: the smallest value with at least {@code p} of the values at or below it. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
