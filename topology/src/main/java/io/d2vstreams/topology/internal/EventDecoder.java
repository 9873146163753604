package io.d2vstreams.topology.internal;

/**
 * Turns the raw value of an input record into an event to encode or a dead-letter reason.
 * Implementations never throw for bad input; they may throw for broken infrastructure (a
 * registry that is down), which fails the task so the record is retried, never dead-lettered.
 */
@FunctionalInterface
public interface EventDecoder {
    Decoded decode(String topic, byte[] value);
}
