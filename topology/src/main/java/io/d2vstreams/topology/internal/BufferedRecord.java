package io.d2vstreams.topology.internal;

/**
 * One accepted event waiting in a micro-batch buffer store.
 *
 * @param bufferedAtMs wall-clock time it entered the buffer; the batch's max wait counts from the oldest
 */
public record BufferedRecord(Decoded.Accepted event, SourceRecord source, long bufferedAtMs) {
}
