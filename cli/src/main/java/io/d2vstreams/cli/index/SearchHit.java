package io.d2vstreams.cli.index;

/**
 * One nearest neighbour of a query: the event's id, Lucene's similarity score (for cosine,
 * {@code (1 + cos) / 2}, so 1 is the same direction), and the input record it was embedded from.
 */
public record SearchHit(String id, float score, int sourcePartition, long sourceOffset) {}
