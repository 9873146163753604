package io.d2vstreams.trainer.gate;

import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one gate check: passed or not, why not, and what it measured (announced as
 * {@code ModelVersion.metrics}).
 *
 * @param check the check's name, e.g. {@code parity}
 * @param passed whether the candidate meets it
 * @param reason why it failed, empty when it passed
 * @param metrics the measurements, by metric name
 */
public record CheckResult(String check, boolean passed, String reason, Map<String, Double> metrics) {

    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(reason, "reason");
        metrics = Map.copyOf(metrics);
    }

    static CheckResult pass(String check, Map<String, Double> metrics) {
        return new CheckResult(check, true, "", metrics);
    }

    static CheckResult fail(String check, String reason, Map<String, Double> metrics) {
        return new CheckResult(check, false, reason, metrics);
    }
}
