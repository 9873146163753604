package io.d2vstreams.runtime.spi;

import io.d2vstreams.runtime.internal.TruncatedNormal;
import java.util.Arrays;
import java.util.Objects;

/**
 * One parameter of a model: its Hugging Face name, its shape in PyTorch layout
 * ({@code nn.Linear.weight} is {@code [out, in]}, {@code nn.Conv1d.weight} is
 * {@code [out, in / groups, kernel]}), and how a fresh model initialises it.
 *
 * @param name the Hugging Face parameter name, also the ONNX initializer name
 * @param shape the dimensions
 * @param init how {@link ParamSpecs#seeded} fills it
 */
public record ParamSpec(String name, long[] shape, Init init) {

    /** How a parameter starts out. */
    public sealed interface Init permits Normal, NormalWithZeroRow, Uniform, Constant {}

    /** N(0, std²) truncated at ±2σ (see {@link TruncatedNormal}). */
    public record Normal(double std) implements Init {}

    /**
     * As {@link Normal}, then row {@code row} of a {@code [rows, width]} table set to zero:
     * {@code nn.Embedding(padding_idx=row)}, whose padding row starts (and stays) zero.
     */
    public record NormalWithZeroRow(double std, int row) implements Init {}

    /** U(-bound, bound), as PyTorch's default {@code nn.Linear} and {@code nn.Conv} biases. */
    public record Uniform(double bound) implements Init {}

    /** Every element {@code value}: LayerNorm scales and shifts, biases, layer scales. */
    public record Constant(float value) implements Init {}

    public static final Init ZEROS = new Constant(0f);
    public static final Init ONES = new Constant(1f);

    public ParamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(init, "init");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int size() {
        return Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && name.equals(p.name) && Arrays.equals(shape, p.shape) && init.equals(p.init);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), init);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + init;
    }
}
