package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The student's regression head: one {@code Linear(hidden, hidden)} on the final output that
 * predicts the teacher's targets (data2vec §3.3; fairseq {@code Data2VecTextEncoder.regression_head}
 * with {@code head_layers=1}). Training-only: it is checkpointed but never exported.
 */
public final class RegressionHead {

    public static final String WEIGHT = "regression_head.weight";
    public static final String BIAS = "regression_head.bias";
    /** BERT's initialiser ({@code init_bert_params}): N(0, 0.02²) weights, zero bias. */
    private static final double INIT_STD = 0.02;

    private final Map<String, NDArray> parameters;

    private RegressionHead(Map<String, NDArray> parameters) {
        this.parameters = parameters;
    }

    /** A freshly initialised head whose arrays {@code manager} owns. */
    public static RegressionHead create(NDManager manager, int hidden, SplittableRandom random) {
        float[] w = new float[hidden * hidden];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * INIT_STD);
        }
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(WEIGHT, manager.create(w, new Shape(hidden, hidden)));
        p.put(BIAS, manager.zeros(new Shape(hidden)));
        return new RegressionHead(java.util.Collections.unmodifiableMap(p));
    }

    /** Name → array, weight first. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** {@code x · Wᵀ + b} over the last axis. */
    public NDArray apply(NDArray x) {
        return Linear.linear(x, parameters.get(WEIGHT), parameters.get(BIAS)).singletonOrThrow();
    }
}
