package io.d2vstreams.trainer.nn;

import ai.djl.ndarray.NDArray;
import io.d2vstreams.runtime.TensorBundle;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What every modality's DJL model shares: its parameters by Hugging Face name in one
 * {@link ModelParameters}, which of them are another model's arrays, the exported weights, and the
 * native memory it frees when closed. A modality's model adds its config and its forward pass.
 */
public abstract class TrainableModel implements AutoCloseable {
    private final ModelParameters params;

    protected TrainableModel(ModelParameters params) {
        this.params = Objects.requireNonNull(params, "params");
    }

    /**
     * Every parameter by Hugging Face name, in graph order, a training-only one (a mask token or
     * embedding) last when there is one (live arrays: never close them).
     */
    public final Map<String, NDArray> parameters() {
        return params.asMap();
    }

    /** Names of the parameters that are another model's arrays (a teacher's shared ones). */
    public final Set<String> sharedNames() {
        return params.sharedNames();
    }

    /**
     * The exported weights under their Hugging Face names, copied to the heap: every parameter of
     * the serving graph, without a training-only one.
     */
    public final TensorBundle toBundle() {
        return params.toBundle();
    }

    /** Frees the parameters this model owns (not the ones it shares from another model). */
    @Override
    public final void close() {
        params.close();
    }

    protected final ModelParameters params() {
        return params;
    }
}
