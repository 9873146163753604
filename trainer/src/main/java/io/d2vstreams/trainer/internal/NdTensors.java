package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.d2vstreams.runtime.TensorBundle;
import java.util.Arrays;
import java.util.Map;

/** Moves named float tensors between {@link TensorBundle} (Java heap) and {@link NDArray}s (native). */
public final class NdTensors {

    private NdTensors() {}

    /** A float32 NDArray owned by {@code manager} with the tensor's shape and values. */
    public static NDArray create(NDManager manager, TensorBundle.Tensor tensor) {
        return manager.create(tensor.data(), new Shape(tensor.shape()));
    }

    /** The arrays as a bundle under their names, in map order (values copied to the heap). */
    public static TensorBundle bundle(Map<String, NDArray> arrays) {
        TensorBundle.Builder b = TensorBundle.builder();
        arrays.forEach((name, a) -> b.put(name, a.getShape().getShape(), a.toFloatArray()));
        return b.build();
    }

    /**
     * {@code weights} with the tensor {@code name} replaced by (or, when absent, added as) a heap
     * copy of {@code value}, last; the other tensors keep their order.
     */
    public static TensorBundle withTensor(TensorBundle weights, String name, NDArray value) {
        TensorBundle.Builder b = TensorBundle.builder();
        for (String n : weights.names()) {
            if (!n.equals(name)) {
                b.put(n, weights.get(n).shape(), weights.get(n).data());
            }
        }
        b.put(name, value.getShape().getShape(), value.toFloatArray());
        return b.build();
    }

    /**
     * A scalar constant that lives as long as {@code like}'s manager. Use it instead of the
     * {@code Number} overloads ({@code x.div(2f)}) wherever gradients are recorded: DJL's PyTorch
     * engine wraps the number in a tensor over Java memory and closes it right after the
     * operation, but autograd keeps that tensor for the backward pass of {@code mul}, {@code div},
     * {@code minimum}..., so a garbage collection between forward and backward frees memory the
     * backward pass still reads (seen as sporadic NaN gradients).
     */
    public static NDArray scalar(NDArray like, float value) {
        return like.getManager().create(value);
    }

    /**
     * Overwrites {@code target} in place with {@code values}.
     *
     * @throws IllegalArgumentException naming the tensor when the shapes differ
     */
    public static void assign(String name, NDArray target, TensorBundle.Tensor values) {
        if (target.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("tensor '" + name + "' is " + target.getDataType() + ", expected float32");
        }
        if (!values.hasShape(target.getShape().getShape())) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(values.shape())
                    + ", the model has " + target.getShape());
        }
        target.set(values.data());
    }
}
