package io.d2vstreams.topology;

/**
 * How much of one modality's traffic feeds the trainer: a deterministic fraction of event
 * ids, capped at a rate so training never starves serving of broker or CPU time.
 *
 * @param rate         fraction of events sampled, 0 to 1, decided by a hash of the event id
 * @param maxPerSecond most samples written per second per stream task; excess samples are dropped
 */
public record SamplingPolicy(double rate, double maxPerSecond) {
    public SamplingPolicy {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("sampling rate must be between 0 and 1, was " + rate);
        }
        if (!(maxPerSecond > 0)) {
            throw new IllegalArgumentException("sampling max per second must be positive, was " + maxPerSecond);
        }
    }
}
