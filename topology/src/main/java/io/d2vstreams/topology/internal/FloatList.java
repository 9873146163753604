package io.d2vstreams.topology.internal;

import io.d2vstreams.schemas.FloatSequence;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A read-only {@code List<Float>} view of a {@code float[]}: Avro's generated {@code Embedding}
 * wants a list, and wrapping avoids copying every vector into a list of boxed floats up front; as
 * a {@link FloatSequence} it is also written to Avro without boxing each element.
 */
final class FloatList extends AbstractList<Float> implements RandomAccess, FloatSequence {
    private final float[] values;

    FloatList(float[] values) {
        this.values = values;
    }

    @Override
    public Float get(int index) {
        return values[index];
    }

    @Override
    public float floatAt(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }
}
