package io.d2vstreams.topology.internal;

import org.apache.kafka.common.header.Header;

import java.util.List;

/**
 * The input record exactly as it arrived: raw key and value bytes, headers and position.
 * Kept beside a buffered event so that a dead letter written later (at encode time) still
 * carries the original bytes, and an embedding still names its source offset.
 */
public record SourceRecord(byte[] key, byte[] value, List<Header> headers,
                           String topic, int partition, long offset, long timestamp) {
}
