package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import io.d2vstreams.runtime.TensorBundle;
import java.util.Map;
import java.util.Set;

/**
 * What every modality's DJL model offers the training core besides its forward pass: its
 * parameters by Hugging Face name (held in a {@link ModelParameters}), which of them are another
 * model's arrays, the exported weights, and the native memory it frees when closed.
 */
public interface TrainableModel extends AutoCloseable {

    /** Every parameter by Hugging Face name (live arrays: never close them). */
    Map<String, NDArray> parameters();

    /** Names of the parameters that are another model's arrays (a teacher's shared ones). */
    Set<String> sharedNames();

    /** The serving graph's weights under their Hugging Face names, copied to the heap. */
    TensorBundle toBundle();

    @Override
    void close();
}
