package io.d2vstreams.topology.internal;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * Keeps an event when a hash of its id falls below the rate. Deterministic: the same id is
 * always in or always out, on every instance and after every restart, so a replay samples
 * the same events. Murmur2 is Kafka's own stable hash (the default partitioner's).
 */
public final class IdHashSampler {
    private final double rate;

    public IdHashSampler(double rate) {
        this.rate = rate;
    }

    public boolean keeps(String id) {
        int hash = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8)));
        return hash / (double) Integer.MAX_VALUE < rate;
    }
}
