package io.d2vstreams.runtime;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoder that currently serves one modality, swappable while batches run. Each
 * {@link #embed} leases the current encoder (a reference count); {@link #swap} replaces it
 * atomically and drops the holder's own reference, so the old encoder is closed by whichever
 * thread finishes its last in-flight batch — never during one, and without making
 * {@code embed} wait on a lock. A batch runs wholly on one encoder, and its result names it.
 *
 * @param <I> the input type
 */
public final class ModelHolder<I> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

    /** The encoder plus its users: 1 for the holder while current, +1 per running embed. */
    private static final class Lease<I> {
        final Encoder<I> encoder;
        private final AtomicInteger refs = new AtomicInteger(1);

        Lease(Encoder<I> encoder) {
            this.encoder = encoder;
        }

        /** Takes a reference unless the count already reached zero (the encoder is closing). */
        boolean tryAcquire() {
            while (true) {
                int r = refs.get();
                if (r == 0) {
                    return false;
                }
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                try {
                    encoder.close();
                    LOG.info("event=model_closed modality={} model={} version={}",
                            encoder.id().modality(), encoder.id().name(), encoder.id().version());
                } catch (RuntimeException e) {
                    // Closing the retired model must not fail the batch that happened to finish last.
                    LOG.warn("event=model_close_failed modality={} model={} version={} error=\"{}\"",
                            encoder.id().modality(), encoder.id().name(), encoder.id().version(), e.toString(), e);
                }
            }
        }
    }

    private volatile Lease<I> current; // null once the holder is closed

    /** Takes ownership of {@code initial}: the holder closes it when it is swapped out or closed. */
    public ModelHolder(Encoder<I> initial) {
        this.current = new Lease<>(Objects.requireNonNull(initial, "initial"));
    }

    /**
     * Embeds the batch on the current encoder; the result is tagged with that encoder's id.
     *
     * @throws IllegalStateException when the holder is closed
     */
    public Embeddings embed(List<I> inputs) {
        Lease<I> lease = acquire();
        try {
            return new Embeddings(lease.encoder.id(), lease.encoder.embed(inputs));
        } finally {
            lease.release();
        }
    }

    /**
     * Makes {@code next} current and takes ownership of it. Batches already running finish on
     * the old encoder, which is closed after the last of them.
     *
     * @throws IllegalArgumentException when {@code next} is for another modality or is already current
     * @throws IllegalStateException when the holder is closed ({@code next} then stays the caller's)
     */
    public synchronized void swap(Encoder<I> next) {
        Objects.requireNonNull(next, "next");
        Lease<I> old = current;
        if (old == null) {
            throw new IllegalStateException("model holder is closed");
        }
        if (next == old.encoder) {
            throw new IllegalArgumentException("encoder " + next.id() + " is already current");
        }
        if (next.id().modality() != old.encoder.id().modality()) {
            throw new IllegalArgumentException("cannot swap " + old.encoder.id().modality() + " encoder for a "
                    + next.id().modality() + " one");
        }
        current = new Lease<>(next);
        LOG.info("event=model_swapped modality={} model={} from_version={} to_version={}",
                next.id().modality(), next.id().name(), old.encoder.id().version(), next.id().version());
        old.release();
    }

    /** The id of the encoder that serves new batches. @throws IllegalStateException when closed */
    public ModelId current() {
        Lease<I> lease = current;
        if (lease == null) {
            throw new IllegalStateException("model holder is closed");
        }
        return lease.encoder.id();
    }

    /** Stops serving; the current encoder is closed after its last running batch. Idempotent. */
    @Override
    public synchronized void close() {
        Lease<I> lease = current;
        if (lease != null) {
            current = null;
            lease.release();
        }
    }

    private Lease<I> acquire() {
        while (true) {
            Lease<I> lease = current;
            if (lease == null) {
                throw new IllegalStateException("model holder is closed");
            }
            if (lease.tryAcquire()) {
                return lease;
            }
            // The lease was swapped out and drained between our read and our acquire: the
            // volatile read above will see its successor.
        }
    }
}
