package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Set;

/**
 * The teacher's update (data2vec §3.2; fairseq {@code EMAModule.step}): θ_teacher ← τ·θ_teacher +
 * (1 − τ)·θ_student, in place and outside gradient recording. Parameters named in {@code shared}
 * are the student's own arrays (the paper shares the feature and positional encoder between
 * teacher and student, fairseq's {@code ema_transformer_layers_only}) and are left alone.
 */
public final class Ema {

    private Ema() {}

    /**
     * @throws IllegalArgumentException when τ is outside [0, 1] or a teacher parameter has no student twin
     */
    public static void update(Map<String, NDArray> teacher, Map<String, NDArray> student, double tau, Set<String> shared) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("EMA decay tau must be in [0, 1], got " + tau);
        }
        for (Map.Entry<String, NDArray> e : teacher.entrySet()) {
            if (shared.contains(e.getKey())) {
                continue;
            }
            NDArray s = student.get(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException("the student has no parameter '" + e.getKey() + "'");
            }
            NDArray step = s.mul(1 - tau);
            try {
                e.getValue().muli(tau).addi(step);
            } finally {
                step.close();
            }
        }
    }
}
