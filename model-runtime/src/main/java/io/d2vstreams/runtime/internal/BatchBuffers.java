package io.d2vstreams.runtime.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * The direct, native-order buffers one model run reads and writes: ONNX Runtime wraps such
 * buffers without copying ({@code OnnxTensor.createTensor} copies anything else). Sized for the
 * largest run seen and grown by half again when a larger one comes, so steady traffic allocates
 * nothing. One instance serves one thread at a time; {@link OrtEncoder} pools them. Each encoder
 * uses the buffers its model inputs need and leaves the others empty.
 */
public final class BatchBuffers {

    private LongBuffer ids = allocateLongs(0);
    private LongBuffer mask = allocateLongs(0);
    private LongBuffer typeIds = allocateLongs(0);
    private FloatBuffer values = allocateFloats(0);
    private FloatBuffer staging = allocateFloats(0);
    private FloatBuffer states = allocateFloats(0);

    /** The token id buffer, positioned at 0 with exactly {@code n} elements remaining. */
    public LongBuffer ids(int n) {
        if (ids.capacity() < n) {
            ids = allocateLongs(grow(ids.capacity(), n));
        }
        ids.clear().limit(n);
        return ids;
    }

    /** The {@code attention_mask} buffer, positioned at 0 with exactly {@code n} elements remaining. */
    public LongBuffer mask(int n) {
        if (mask.capacity() < n) {
            mask = allocateLongs(grow(mask.capacity(), n));
        }
        mask.clear().limit(n);
        return mask;
    }

    /** All zeros (token type 0 everywhere) for models exported with a {@code token_type_ids} input. */
    public LongBuffer zeroTypeIds(int n) {
        if (typeIds.capacity() < n) {
            typeIds = allocateLongs(grow(typeIds.capacity(), n)); // fresh direct memory is zeroed
        }
        typeIds.clear().limit(n);
        return typeIds;
    }

    /** A float model input ({@code pixel_values}, {@code input_values}), positioned at 0 with {@code n} remaining. */
    public FloatBuffer values(int n) {
        if (values.capacity() < n) {
            values = allocateFloats(grow(values.capacity(), n));
        }
        values.clear().limit(n);
        return values;
    }

    /**
     * Scratch space for inputs whose size is known only once they are preprocessed (audio clips),
     * positioned at {@code position} with at least {@code room} floats remaining. Grows keeping
     * the first {@code position} floats, so inputs can be appended one after another.
     */
    public FloatBuffer staging(int position, int room) {
        int needed = Math.addExact(position, room);
        if (staging.capacity() < needed) {
            FloatBuffer bigger = allocateFloats(grow(staging.capacity(), needed));
            bigger.put(staging.clear().limit(position));
            staging = bigger;
        }
        staging.clear().position(position);
        return staging;
    }

    /** The output buffer ONNX Runtime writes last_hidden_state into. */
    public FloatBuffer states(int n) {
        if (states.capacity() < n) {
            states = allocateFloats(grow(states.capacity(), n));
        }
        states.clear().limit(n);
        return states;
    }

    private static int grow(int capacity, int needed) {
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, capacity + (long) capacity / 2));
    }

    private static LongBuffer allocateLongs(int n) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(n, Long.BYTES)).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    private static FloatBuffer allocateFloats(int n) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(n, Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
