package io.d2vstreams.trainer.gate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the quality gate decided about a candidate.
 *
 * @param accepted whether every check passed
 * @param reason the failed checks' reasons, or a summary of the measurements when accepted
 * @param checks every check's result, in the order they ran
 */
public record GateDecision(boolean accepted, String reason, List<CheckResult> checks) {

    public GateDecision {
        checks = List.copyOf(checks);
    }

    /** Every check's measurements in one map, as announced in {@code ModelVersion.metrics}. */
    public Map<String, Double> metrics() {
        Map<String, Double> all = new TreeMap<>();
        checks.forEach(c -> all.putAll(c.metrics()));
        return all;
    }

    static GateDecision of(List<CheckResult> checks) {
        List<String> failures = checks.stream().filter(c -> !c.passed()).map(c -> c.check() + ": " + c.reason()).toList();
        if (!failures.isEmpty()) {
            return new GateDecision(false, String.join("; ", failures), checks);
        }
        StringBuilder summary = new StringBuilder("passed");
        new GateDecision(true, "", checks).metrics().forEach((k, v) ->
                summary.append(' ').append(k).append('=').append(String.format(java.util.Locale.ROOT, "%.4g", v)));
        return new GateDecision(true, summary.toString(), checks);
    }
}
