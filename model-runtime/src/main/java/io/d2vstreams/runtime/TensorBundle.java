package io.d2vstreams.runtime;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Named float tensors, in insertion order: the weights of one model under Hugging Face parameter
 * names ({@code encoder.layer.0.attention.self.query.weight}, ...). The seeded initialiser, the
 * trainer and checkpoint importers all hand weights to the ONNX writers in this form.
 *
 * <p>The arrays are shared, not copied (models run to hundreds of megabytes): treat them as
 * read-only once a bundle is built.
 */
public final class TensorBundle {

    /** A dense row-major float tensor. */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            long count = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                count *= d;
            }
            if (count != data.length) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " holds " + count + " values, data has " + data.length);
            }
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public boolean hasShape(long... expected) {
            return Arrays.equals(shape, expected);
        }
    }

    private final Map<String, Tensor> tensors;

    private TensorBundle(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The tensor called {@code name}. @throws IllegalArgumentException when there is none */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' (have " + tensors.size() + " tensors)");
        }
        return t;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Names in insertion order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public int size() {
        return tensors.size();
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.data().length;
        }
        return n;
    }

    /** Accumulates tensors; names must be unique. */
    public static final class Builder {
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();

        private Builder() {}

        public Builder put(String name, long[] shape, float[] data) {
            Objects.requireNonNull(name, "name");
            if (tensors.putIfAbsent(name, new Tensor(shape, data)) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
            }
            return this;
        }

        public TensorBundle build() {
            return new TensorBundle(new LinkedHashMap<>(tensors));
        }
    }
}
