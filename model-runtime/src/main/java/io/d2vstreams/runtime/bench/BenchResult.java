package io.d2vstreams.runtime.bench;

import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Modality;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link EncoderBench} run measured. {@link #toFields()} gives the public JSON names of
 * {@code d2v bench encoder --json} (DESIGN.md, "The d2v command").
 *
 * @param model the model family
 * @param modelVersion its store version
 * @param records timed inputs
 * @param batch the largest model run, the pipeline's micro-batch
 * @param window inputs per embed call ({@code batch} unless bucketing is being measured)
 * @param device where the encoder actually ran
 * @param threads ONNX Runtime intra-op threads (0: ORT's default)
 * @param elapsedSeconds wall time of the timed loop
 * @param encoderRps timed inputs per second of the timed loop
 * @param latencyP50Ms median wall time of one embed call
 * @param latencyP99Ms 99th percentile (nearest rank) of the same
 * @param gflops executed FLOPs ({@link TransformerFlops}, plus the image and audio front ends)
 *        per second of the timed loop
 * @param gemmPeakGflops the float32 MatMul rate ORT reached with the same settings ({@link GemmPeak})
 * @param computeEfficiency gflops / gemmPeakGflops
 * @param paddingEfficiency real positions / computed (padded) positions
 * @param preprocessShare preprocessing time (tokenizing; decoding and resizing; decoding and
 *        resampling) / embed time, the preprocessing timed apart on the same calls
 * @param meanPositions mean positions per input: tokens after truncation (special tokens
 *        included), patches and the CLS token, or audio frames
 * @param rssMbEarly resident memory (MiB) after the first tenth of the timed calls
 * @param rssMbEnd resident memory (MiB) after the last timed call; flat between the two when
 *        nothing leaks per input (NaN where the platform does not report it)
 */
public record BenchResult(
        String model,
        int modelVersion,
        Modality modality,
        int records,
        int batch,
        int window,
        Device device,
        int threads,
        double elapsedSeconds,
        double encoderRps,
        double latencyP50Ms,
        double latencyP99Ms,
        double gflops,
        double gemmPeakGflops,
        double computeEfficiency,
        double paddingEfficiency,
        double preprocessShare,
        double meanPositions,
        double rssMbEarly,
        double rssMbEnd) {

    /** Relative growth of resident memory from the first tenth of the run to its end. */
    public double rssGrowth() {
        return rssMbEnd / rssMbEarly - 1;
    }

    /** Snake-case fields in a stable order; the first eleven are the contract's. */
    public Map<String, Object> toFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encoder_rps", round(encoderRps));
        m.put("latency_p50_ms", round(latencyP50Ms));
        m.put("latency_p99_ms", round(latencyP99Ms));
        m.put("gflops", round(gflops));
        m.put("gemm_peak_gflops", round(gemmPeakGflops));
        m.put("compute_efficiency", round(computeEfficiency));
        m.put("padding_efficiency", round(paddingEfficiency));
        m.put("model", model);
        m.put("batch", batch);
        m.put("device", device.name());
        m.put("threads", threads);
        m.put("window", window);
        m.put("model_version", modelVersion);
        m.put("modality", modality.name());
        m.put("records", records);
        m.put("preprocess_share", round(preprocessShare));
        m.put("mean_positions", round(meanPositions));
        m.put("elapsed_s", round(elapsedSeconds));
        m.put("rss_mb_early", round(rssMbEarly));
        m.put("rss_mb_end", round(rssMbEnd));
        m.put("rss_growth", round(rssGrowth()));
        return m;
    }

    /** Four significant digits: more would be noise between two runs. */
    public static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        double scale = Math.pow(10, 3 - Math.floor(Math.log10(Math.abs(v))));
        return Math.round(v * scale) / scale;
    }
}
