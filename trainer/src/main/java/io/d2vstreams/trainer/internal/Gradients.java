package io.d2vstreams.trainer.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;

/** Recording, clipping and clearing the gradients of a set of parameters. */
public final class Gradients {

    /**
     * DJL's PyTorch engine allows one {@code GradientCollector} per JVM at a time (it throws
     * otherwise), so trainers of several modalities in one process take turns recording.
     */
    private static final ReentrantLock RECORDING = new ReentrantLock();
    private static final NDIndex ALL = new NDIndex("...");

    private Gradients() {}

    /** What runs while gradients are recorded; returns the scalar to differentiate. */
    @FunctionalInterface
    public interface Forward {
        NDArray run();
    }

    /** Runs {@code forward} with gradient recording on and back-propagates its result. */
    public static NDArray recordAndBackward(Engine engine, Forward forward) {
        RECORDING.lock();
        try (GradientCollector collector = engine.newGradientCollector()) {
            NDArray loss = forward.run();
            collector.backward(loss);
            return loss;
        } finally {
            RECORDING.unlock();
        }
    }

    /**
     * The global L2 norm of all gradients, and, when it exceeds {@code maxNorm} (> 0), scales them
     * in place by {@code maxNorm / (norm + 1e-6)} (PyTorch's {@code clip_grad_norm_}, which fairseq
     * uses). Call inside a scope: the gradient handles it opens are closed with it.
     *
     * @return the norm before clipping
     */
    public static double clipByGlobalNorm(Collection<NDArray> parameters, double maxNorm) {
        NDArray total = null;
        for (NDArray p : parameters) {
            NDArray squares = p.getGradient().square().sum();
            total = total == null ? squares : total.add(squares);
        }
        double norm = total == null ? 0 : Math.sqrt(total.getFloat());
        if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
            float factor = (float) (maxNorm / (norm + 1e-6));
            for (NDArray p : parameters) {
                p.getGradient().muli(factor);
            }
        }
        return norm;
    }

    /**
     * Clears the accumulated gradients (libtorch adds every backward pass to them, and DJL's
     * collector no longer zeroes them). Filling with 0 rather than multiplying by 0 also clears NaN.
     */
    public static void zero(Collection<NDArray> parameters) {
        for (NDArray p : parameters) {
            try (NDArray g = p.getGradient()) {
                g.set(ALL, 0f);
            }
        }
    }
}
