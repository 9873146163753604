package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.trainer.nn.TrainableModel;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Data2VecEncoder} over one modality's {@link TrainableModel}: the parameters, the export
 * and the close are the model's, so that a modality writes only how its student, teacher and
 * stand-in run the model.
 *
 * @param <T> the modality's model
 * @param <B> its batch
 * @param <M> its mask
 */
public abstract class ModelEncoder<T extends TrainableModel, B, M> implements Data2VecEncoder<B, M> {
    private final T model;

    protected ModelEncoder(T model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    protected final T model() {
        return model;
    }

    @Override
    public final Map<String, NDArray> parameters() {
        return model.parameters();
    }

    @Override
    public final Set<String> sharedNames() {
        return model.sharedNames();
    }

    @Override
    public final TensorBundle toBundle() {
        return model.toBundle();
    }

    @Override
    public final void close() {
        model.close();
    }
}
