package io.d2vstreams.topology.internal;

/**
 * Where on one input partition the live pipeline started embedding with {@code version}: every
 * offset below {@code firstOffset} was embedded (or dead-lettered) before, with an earlier version;
 * every offset from it on with this one, until the next swap point.
 */
public record SwapPoint(int partition, int version, long firstOffset) {
}
