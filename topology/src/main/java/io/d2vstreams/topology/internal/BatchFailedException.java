package io.d2vstreams.topology.internal;

/**
 * A whole micro-batch could not be encoded or forwarded (the encoder is broken, the registry is
 * down for the sink): not the fault of the record being processed when it happened. Kafka
 * Streams' processing exception handler fails the task on it, so the batch, still in its
 * changelogged buffer, is retried after the restart instead of any record being dead-lettered.
 */
public final class BatchFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BatchFailedException(String store, int records, RuntimeException cause) {
        super("batch of " + records + " buffered records in " + store + " failed: " + cause.getMessage(), cause);
    }
}
