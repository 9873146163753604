package io.d2vstreams.trainer.gate;

/**
 * What a candidate version must meet to become ACTIVE.
 *
 * @param parityMaxAbsDiff largest allowed |training model − exported ONNX| on a probe batch
 * @param lossMaxRatio the candidate's held-out loss may be at most this times the ACTIVE version's
 * @param varianceMin floor of the mean per-dimension variance of pooled, normalised embeddings
 * @param effectiveRankMin floor of the effective rank of the centred pooled embeddings
 */
public record GateThresholds(double parityMaxAbsDiff, double lossMaxRatio, double varianceMin, double effectiveRankMin) {

    public GateThresholds {
        if (!(parityMaxAbsDiff >= 0) || !(lossMaxRatio > 0) || !(varianceMin >= 0) || !(effectiveRankMin >= 0)) {
            throw new IllegalArgumentException("gate thresholds must be non-negative numbers (loss ratio > 0), got "
                    + parityMaxAbsDiff + ", " + lossMaxRatio + ", " + varianceMin + ", " + effectiveRankMin);
        }
    }

    /**
     * The trainer's defaults: parity 1e-4, not worse than ACTIVE, variance 1e-6, effective rank 2.
     * The collapse floors sit well below what a healthy tiny model shows on short sentences
     * (variance 1e-5 to 2e-3 over the first 100 steps, centred rank 15 to 18) and well above a
     * collapsed one (variance → 0, rank → 1).
     */
    public static GateThresholds defaults() {
        return new GateThresholds(1e-4, 1.0, 1e-6, 2.0);
    }
}
