package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;

/**
 * data2vec's regression loss (§3.3; fairseq {@code Data2VecTextEncoder.forward}): per masked
 * position, the Smooth L1 (β) or squared error summed over the hidden channels, times a scale
 * (fairseq's {@code loss_scale}; 1/√hidden when none is given), averaged over the masked
 * positions (fairseq divides by {@code sample_size}, the number of masked tokens).
 */
public final class RegressionLoss {

    /** Element-wise penalty. */
    public enum Kind {
        /** Squared error; fairseq's {@code loss_beta = 0}. */
        L2,
        /** 0.5·d²/β where |d| < β, else |d| − 0.5·β. */
        SMOOTH_L1
    }

    private final Kind kind;
    private final float beta;
    private final float scale;

    public RegressionLoss(Kind kind, double beta, double scale) {
        this.kind = kind;
        if (kind == Kind.SMOOTH_L1 && !(beta > 0)) {
            throw new IllegalArgumentException("Smooth L1 needs beta > 0, got " + beta);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("loss scale must be a positive number, got " + scale);
        }
        this.beta = (float) beta;
        this.scale = (float) scale;
    }

    /**
     * @param prediction {@code [batch, time, hidden]}
     * @param target {@code [batch, time, hidden]}, no gradient
     * @param positions {@code [batch, time]} float, 1 where the loss counts (the masked positions)
     * @param count the number of ones in {@code positions}, at least 1
     * @return a scalar
     */
    public NDArray mean(NDArray prediction, NDArray target, NDArray positions, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("the loss needs at least one masked position");
        }
        NDArray d = prediction.sub(target);
        NDArray penalty;
        if (kind == Kind.L2) {
            penalty = d.square();
        } else {
            // Branch-free: with m = min(|d|, β), 0.5·m²/β + (|d| − m) is both cases at once.
            NDArray a = d.abs();
            NDArray m = a.minimum(NdTensors.scalar(a, beta));
            penalty = m.square().mul(NdTensors.scalar(a, 0.5f / beta)).add(a.sub(m));
        }
        // Scalars as arrays of the step, not Number overloads: see NdTensors.scalar.
        NDArray perPosition = penalty.sum(new int[] {-1}).mul(NdTensors.scalar(d, scale));
        return perPosition.mul(positions).sum().div(NdTensors.scalar(d, count));
    }
}
