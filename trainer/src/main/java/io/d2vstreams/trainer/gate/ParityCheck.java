package io.d2vstreams.trainer.gate;

import java.util.Map;

/**
 * Training and serving compute the same function: the exported ONNX model's
 * {@code last_hidden_state} on a probe batch is within a tolerance of the training model's. A
 * writer bug, a corrupted export or a NaN weight shows here first (a NaN reads as an infinite
 * difference).
 */
public final class ParityCheck {

    public static final String NAME = "parity";
    public static final String METRIC = "parity_max_abs_diff";

    private final double maxAbsDiff;

    public ParityCheck(double maxAbsDiff) {
        this.maxAbsDiff = maxAbsDiff;
    }

    public CheckResult evaluate(double measuredMaxAbsDiff) {
        Map<String, Double> metrics = Map.of(METRIC, finiteOr(measuredMaxAbsDiff));
        if (measuredMaxAbsDiff <= maxAbsDiff) {
            return CheckResult.pass(NAME, metrics);
        }
        return CheckResult.fail(NAME, "ONNX export differs from the training model by " + describe(measuredMaxAbsDiff)
                + " (max abs diff on the probe batch), more than " + maxAbsDiff, metrics);
    }

    private static String describe(double d) {
        return Double.isFinite(d) ? String.format(java.util.Locale.ROOT, "%.3g", d) : "a non-finite amount (NaN or Inf)";
    }

    /** Avro's metrics map holds doubles; keep non-finite measurements readable by any consumer. */
    static double finiteOr(double v) {
        return Double.isFinite(v) ? v : Double.MAX_VALUE;
    }
}
