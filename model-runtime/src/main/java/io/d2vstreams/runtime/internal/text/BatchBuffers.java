package io.d2vstreams.runtime.internal.text;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * The direct, native-order buffers one model run reads and writes: ONNX Runtime wraps such
 * buffers without copying ({@code OnnxTensor.createTensor} copies anything else). Sized for the
 * largest run seen and grown by half again when a larger one comes, so steady traffic allocates
 * nothing. One instance serves one thread at a time; {@link TextEncoder} pools them.
 */
final class BatchBuffers {

    private LongBuffer ids = allocateLongs(0);
    private LongBuffer mask = allocateLongs(0);
    private LongBuffer typeIds = allocateLongs(0);
    private FloatBuffer states = allocateFloats(0);

    /** The token id buffer, positioned at 0 with exactly {@code n} elements remaining. */
    LongBuffer ids(int n) {
        if (ids.capacity() < n) {
            ids = allocateLongs(grow(ids.capacity(), n));
        }
        ids.clear().limit(n);
        return ids;
    }

    LongBuffer mask(int n) {
        if (mask.capacity() < n) {
            mask = allocateLongs(grow(mask.capacity(), n));
        }
        mask.clear().limit(n);
        return mask;
    }

    /** All zeros (token type 0 everywhere) for models exported with a {@code token_type_ids} input. */
    LongBuffer zeroTypeIds(int n) {
        if (typeIds.capacity() < n) {
            typeIds = allocateLongs(grow(typeIds.capacity(), n)); // fresh direct memory is zeroed
        }
        typeIds.clear().limit(n);
        return typeIds;
    }

    /** The output buffer ONNX Runtime writes last_hidden_state into. */
    FloatBuffer states(int n) {
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
