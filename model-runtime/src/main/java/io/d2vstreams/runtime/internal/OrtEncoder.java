package io.d2vstreams.runtime.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.internal.onnx.OrtSessions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * What every encoder on ONNX Runtime shares, whatever it embeds: the session and where it runs,
 * a pool of {@link BatchBuffers} (one per concurrent {@link #embed} call, reused across calls),
 * the padding counters, and the life cycle. {@link #close()} waits for running calls (a
 * read-write lock) so the session is never freed under a running batch even without a
 * {@code ModelHolder} in front, and frees it exactly once.
 *
 * <p>Subclasses turn one batch into model runs in {@link #embedBatch}.
 *
 * @param <I> the input type
 */
public abstract class OrtEncoder<I> implements Encoder<I> {

    private final ModelId id;
    private final EncoderOptions options;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Device device;
    private final ConcurrentLinkedDeque<BatchBuffers> buffers = new ConcurrentLinkedDeque<>();
    private final LongAdder realPositions = new LongAdder();
    private final LongAdder paddedPositions = new LongAdder();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    /** Takes ownership of the opened session: {@link #close()} frees it. */
    protected OrtEncoder(ModelId id, EncoderOptions options, OrtEnvironment env, OrtSessions.Opened opened) {
        this.id = Objects.requireNonNull(id, "id");
        this.options = Objects.requireNonNull(options, "options");
        this.env = Objects.requireNonNull(env, "env");
        this.session = opened.session();
        this.device = opened.device();
    }

    @Override
    public final ModelId id() {
        return id;
    }

    /** Where the session actually runs (CUDA may have fallen back to CPU). */
    public final Device device() {
        return device;
    }

    protected final EncoderOptions options() {
        return options;
    }

    protected final OrtEnvironment env() {
        return env;
    }

    protected final OrtSession session() {
        return session;
    }

    @Override
    public final float[][] embed(List<I> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        return whileOpen(() -> {
            if (inputs.isEmpty()) {
                return new float[0][];
            }
            BatchBuffers buf = Optional.ofNullable(buffers.pollFirst()).orElseGet(BatchBuffers::new);
            try {
                return embedBatch(inputs, buf);
            } finally {
                buffers.offerFirst(buf);
            }
        });
    }

    /**
     * Embeds a non-empty batch with buffers this call has to itself: one vector per input, in
     * input order. Runs with the encoder open.
     */
    protected abstract float[][] embedBatch(List<I> inputs, BatchBuffers buffers);

    /**
     * Runs {@code action} while the encoder is guaranteed to stay open (for work that needs the
     * session or another native resource outside {@link #embed}).
     *
     * @throws IllegalStateException when the encoder is closed
     */
    protected final <T> T whileOpen(Supplier<T> action) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("encoder " + describe() + " is closed");
            }
            return action.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Adds one batch's real and computed (padded) positions to {@link #paddingEfficiency()}. */
    protected final void countPositions(long real, long padded) {
        realPositions.add(real);
        paddedPositions.add(padded);
    }

    @Override
    public final double paddingEfficiency() {
        long padded = paddedPositions.sum();
        return padded == 0 ? 1.0 : (double) realPositions.sum() / padded;
    }

    /** Waits for running {@link #embed} calls, then frees the session and {@link #releaseResources}; once. */
    @Override
    public final void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            buffers.clear();
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("closing the ONNX Runtime session of " + id + " failed", e);
            } finally {
                releaseResources();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Frees what a subclass owns besides the session (a tokenizer); called once, from {@link #close()}. */
    protected void releaseResources() {}

    /** "name vN", for messages. */
    protected final String describe() {
        return id.name() + " v" + id.version();
    }

    /** @throws IllegalArgumentException when the model has no input called {@code name} */
    protected static void requireInput(Map<String, NodeInfo> inputs, String name) {
        if (!inputs.containsKey(name)) {
            throw new IllegalArgumentException("model has no input '" + name + "' (inputs: " + inputs.keySet() + ")");
        }
    }

    /**
     * Refuses a model without a rank-3 {@code output} whose declared last dimension, when fixed,
     * is {@code hidden}.
     *
     * @param layout the expected shape for messages, e.g. {@code [batch, sequence, 64]}
     */
    protected static void requireOutputWidth(Map<String, NodeInfo> outputs, String output, int hidden, String layout) {
        NodeInfo out = outputs.get(output);
        if (out == null) {
            throw new IllegalArgumentException("model has no output '" + output + "' (outputs: " + outputs.keySet() + ")");
        }
        if (out.getInfo() instanceof TensorInfo info) {
            long[] shape = info.getShape();
            if (shape.length != 3) {
                throw new IllegalArgumentException("wrong output size: " + output + " has rank " + shape.length
                        + ", expected " + layout);
            }
            if (shape[2] > 0 && shape[2] != hidden) {
                throw new IllegalArgumentException("wrong output size: " + output + " is " + shape[2]
                        + " wide, the config says hidden_size " + hidden);
            }
        }
    }
}
