package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019; PyTorch's {@code AdamW}), kept by
 * hand rather than through DJL's optimizer so that its moments can be checkpointed and restored.
 * Weight decay skips rank-1 parameters (biases, LayerNorm gains), the BERT convention, and any
 * parameter named in {@code noDecay} (BEiT's tokens and position tables, say).
 *
 * <p>Every update runs in place on the parameters, outside gradient recording; each parameter's
 * temporaries (in an {@link NDScope}) are closed before the next one is updated.
 */
public final class AdamW implements AutoCloseable {

    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final Set<String> noDecay;
    private final Map<String, NDArray> first;
    private final Map<String, NDArray> second;

    public AdamW(NDManager parent, Map<String, NDArray> parameters, double beta1, double beta2, double epsilon,
            double weightDecay) {
        this(parent, parameters, beta1, beta2, epsilon, weightDecay, Set.of());
    }

    /** @param noDecay names of parameters of rank above 1 that weight decay leaves alone too */
    public AdamW(NDManager parent, Map<String, NDArray> parameters, double beta1, double beta2, double epsilon,
            double weightDecay, Set<String> noDecay) {
        this.noDecay = Set.copyOf(noDecay);
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        Map<String, NDArray> m = new LinkedHashMap<>();
        Map<String, NDArray> v = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            m.put(name, manager.zeros(p.getShape()));
            v.put(name, manager.zeros(p.getShape()));
        });
        this.first = Collections.unmodifiableMap(m);
        this.second = Collections.unmodifiableMap(v);
    }

    /**
     * Applies update number {@code t} (1-based, for the bias corrections) with learning rate
     * {@code lr} from the gradients the parameters hold.
     */
    public void update(Map<String, NDArray> parameters, double lr, long t) {
        double correction1 = 1 - Math.pow(beta1, t);
        double correction2 = 1 - Math.pow(beta2, t);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray m = first.get(e.getKey());
            NDArray v = second.get(e.getKey());
            try (NDScope temporaries = new NDScope()) {
                temporaries.suppressNotUsedWarning();
                NDArray g = p.getGradient();
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.square().muli(1 - beta2));
                if (weightDecay > 0 && p.getShape().dimension() > 1 && !noDecay.contains(e.getKey())) {
                    p.muli(1 - lr * weightDecay);
                }
                // p ← p − lr · (m / c1) / (√(v / c2) + ε)
                NDArray denominator = v.div(correction2).sqrt().addi(epsilon);
                p.subi(m.div(denominator).muli(lr / correction1));
            }
        }
    }

    /** First moments by parameter name (live arrays: read or overwrite, never close). */
    public Map<String, NDArray> firstMoments() {
        return first;
    }

    /** Second moments by parameter name (live arrays: read or overwrite, never close). */
    public Map<String, NDArray> secondMoments() {
        return second;
    }

    @Override
    public void close() {
        manager.close();
    }
}
