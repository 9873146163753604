package io.d2vstreams.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.trainer.internal.NdTensors;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The parameters of one DJL data2vec model under their Hugging Face names, and the native memory
 * they live in: what the text, image and audio model classes share, so that each of them holds
 * only its forward pass. The serving graph's parameters (model-runtime's {@code *Parameters}
 * shapes) come first, in graph order, and a modality may add one training-only parameter (a mask
 * token or embedding) that the student learns but the teacher never gets and an export leaves
 * out.
 *
 * <p>Native memory: the arrays belong to this object's manager, a sub-manager of the one it was
 * made from, and are unregistered from any {@link NDScope} so a caller's scope does not free
 * them; {@link #close()} frees them, except those shared from another model ({@link #teacherCopy}).
 */
public final class ModelParameters implements AutoCloseable {

    /**
     * A training-only parameter: taken from the weights when they carry it (a Hugging Face
     * pre-training checkpoint), else filled by {@code init}.
     *
     * @param name its Hugging Face name
     * @param shape its shape
     * @param init fresh values, asked for only when the weights lack it
     */
    public record TrainingOnly(String name, long[] shape, Supplier<float[]> init) {
        public TrainingOnly {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(init, "init");
            shape = shape.clone();
        }
    }

    private final NDManager manager;
    private final Map<String, NDArray> arrays;
    private final Set<String> borrowed;
    /** The training-only parameter's name, or null. */
    private final String trainingOnly;

    private ModelParameters(NDManager manager, Map<String, NDArray> arrays, Set<String> borrowed, String trainingOnly) {
        this.manager = manager;
        this.arrays = Collections.unmodifiableMap(arrays);
        this.borrowed = Set.copyOf(borrowed);
        this.trainingOnly = trainingOnly;
    }

    /**
     * Copies of the {@code shapes} tensors of {@code weights} (others, a pooler say, are
     * ignored), plus {@code extra} when not null, in a new sub-manager of {@code parent}.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen parameter
     */
    public static ModelParameters copyOf(NDManager parent, Map<String, long[]> shapes, TensorBundle weights,
            TrainingOnly extra) {
        for (Map.Entry<String, long[]> s : shapes.entrySet()) {
            requireShape(weights, s.getKey(), s.getValue());
        }
        boolean bundledExtra = extra != null && weights.contains(extra.name());
        if (bundledExtra) {
            requireShape(weights, extra.name(), extra.shape());
        }
        NDManager owned = parent.newSubManager();
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (String name : shapes.keySet()) {
            arrays.put(name, own(NdTensors.create(owned, weights.get(name))));
        }
        if (extra != null) {
            NDArray array = bundledExtra
                    ? NdTensors.create(owned, weights.get(extra.name()))
                    : owned.create(extra.init().get(), new Shape(extra.shape()));
            arrays.put(extra.name(), own(array));
        }
        return new ModelParameters(owned, arrays, Set.of(), extra == null ? null : extra.name());
    }

    /**
     * The EMA teacher's parameters: those matched by {@code share} are this object's very arrays
     * (data2vec §3.2 shares the feature and positional encoders), the others are copies in a new
     * sub-manager of {@code parent}. The training-only parameter is left out: the teacher always
     * sees the whole input.
     */
    public ModelParameters teacherCopy(NDManager parent, Predicate<String> share) {
        NDManager owned = parent.newSubManager();
        Map<String, NDArray> copies = new LinkedHashMap<>();
        Set<String> shared = new HashSet<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            if (e.getKey().equals(trainingOnly)) {
                continue;
            }
            if (share.test(e.getKey())) {
                copies.put(e.getKey(), e.getValue());
                shared.add(e.getKey());
            } else {
                NDArray copy = own(e.getValue().duplicate());
                copy.attach(owned);
                copies.put(e.getKey(), copy);
            }
        }
        return new ModelParameters(owned, copies, shared, null);
    }

    /** Every parameter by Hugging Face name, the training-only one last (live arrays: never close them). */
    public Map<String, NDArray> asMap() {
        return arrays;
    }

    /** Names of the parameters that are another model's arrays (see {@link #teacherCopy}). */
    public Set<String> sharedNames() {
        return borrowed;
    }

    /** Whether there is a parameter of that name (the training-only one, say). */
    public boolean has(String name) {
        return arrays.containsKey(name);
    }

    /**
     * The parameter of that name.
     *
     * @throws IllegalStateException when there is none: a forward pass asked for a name its
     *     architecture does not have, a bug
     */
    public NDArray get(String name) {
        NDArray p = arrays.get(name);
        if (p == null) {
            throw new IllegalStateException("no parameter '" + name + "'");
        }
        return p;
    }

    /**
     * The exported weights under their Hugging Face names, copied to the heap: every parameter of
     * the serving graph, without the training-only one.
     */
    public TensorBundle toBundle() {
        Map<String, NDArray> exported = new LinkedHashMap<>(arrays);
        exported.remove(trainingOnly);
        return NdTensors.bundle(exported);
    }

    /** {@code nn.Linear} {@code module} ({@code module.weight} {@code [out, in]}, {@code module.bias}) over the last axis. */
    public NDArray linear(NDArray x, String module) {
        return Linear.linear(x, get(module + ".weight"), get(module + ".bias")).singletonOrThrow();
    }

    /** {@code nn.LayerNorm} {@code module} over the last axis with the given eps. */
    public NDArray layerNorm(NDArray x, String module, double eps) {
        long width = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(width), get(module + ".weight"), get(module + ".bias"), (float) eps)
                .singletonOrThrow();
    }

    /**
     * {@code x·(1 − m) + t·m} with {@code t} the training-only parameter: masked positions of
     * {@code x} {@code [rows, positions, hidden]} replaced by the learned token, as Hugging Face's
     * {@code bool_masked_pos} and {@code mask_time_indices} do. The result lands in {@code scope}.
     *
     * @param mask {@code [rows, positions]} row-major, 1 where a position is masked, 0 where kept
     */
    public NDArray replaceMasked(NDManager scope, NDArray x, float[] mask, int rows, int positions) {
        float[] keep = new float[mask.length];
        for (int i = 0; i < mask.length; i++) {
            keep[i] = 1f - mask[i];
        }
        Shape column = new Shape(rows, positions, 1);
        return x.mul(scope.create(keep, column)).add(scope.create(mask, column).mul(get(trainingOnly)));
    }

    /** Frees the parameters this object owns (not the ones it shares from another model). */
    @Override
    public void close() {
        manager.close();
    }

    private static NDArray own(NDArray array) {
        NDScope.unregister(array); // owned by the model, whatever scope the caller is in
        return array;
    }

    private static void requireShape(TensorBundle weights, String name, long[] shape) {
        if (!weights.contains(name)) {
            throw new IllegalArgumentException("weights lack '" + name + "'");
        }
        TensorBundle.Tensor t = weights.get(name);
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException("weight '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", the config calls for " + Arrays.toString(shape));
        }
    }
}
