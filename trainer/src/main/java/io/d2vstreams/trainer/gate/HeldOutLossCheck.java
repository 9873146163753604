package io.d2vstreams.trainer.gate;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The candidate's data2vec loss on the held-out inputs is not worse than the ACTIVE version's
 * (within {@code maxRatio}). Both losses are measured by the same trainer against the same teacher
 * targets and the same masks (see {@code QualityGate} for why that is the comparison).
 */
public final class HeldOutLossCheck {

    public static final String NAME = "heldout_loss";
    public static final String CANDIDATE_METRIC = "heldout_loss";
    public static final String ACTIVE_METRIC = "active_heldout_loss";

    private final double maxRatio;

    public HeldOutLossCheck(double maxRatio) {
        this.maxRatio = maxRatio;
    }

    /** @param active the ACTIVE version's loss, empty when there is no ACTIVE version to compare with */
    public CheckResult evaluate(double candidate, OptionalDouble active) {
        Map<String, Double> metrics = new HashMap<>();
        metrics.put(CANDIDATE_METRIC, ParityCheck.finiteOr(candidate));
        active.ifPresent(a -> metrics.put(ACTIVE_METRIC, ParityCheck.finiteOr(a)));
        if (!Double.isFinite(candidate)) {
            return CheckResult.fail(NAME, "held-out loss is " + candidate, metrics);
        }
        if (active.isEmpty() || !Double.isFinite(active.getAsDouble())) {
            return CheckResult.pass(NAME, metrics);
        }
        double limit = active.getAsDouble() * maxRatio;
        if (candidate <= limit) {
            return CheckResult.pass(NAME, metrics);
        }
        return CheckResult.fail(NAME, String.format(Locale.ROOT,
                "held-out loss %.4f is worse than the ACTIVE version's %.4f (limit %.4f = %.3g x)", candidate,
                active.getAsDouble(), limit, maxRatio), metrics);
    }
}
