package io.d2vstreams.schemas;

/**
 * A list of floats that can hand out its elements unboxed. An Avro {@code array<float>} value
 * (a {@code List<Float>}) that also implements this is written by this module's serializers
 * without a {@code Float} per element: an embedding of 768 dimensions is 768 objects fewer per
 * record.
 */
public interface FloatSequence {
    int size();

    float floatAt(int index);
}
