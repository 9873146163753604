package io.d2vstreams.topology;

import io.d2vstreams.runtime.Modality;

/**
 * What the data path reports as it runs. The topology calls these; {@link MicrometerPipelineMetrics}
 * turns them into Prometheus series, {@link #NONE} discards them (tests of the topology alone).
 */
public interface PipelineMetrics {
    /** One input record arrived. */
    void received(Modality modality);

    /** One record went to the dead-letter topic. */
    void deadLettered(Modality modality, DeadLetterReason reason);

    /**
     * One micro-batch was encoded.
     *
     * @param fillMs      how long its oldest record waited in the buffer
     * @param encodeNanos time spent in the encoder
     */
    void batchEncoded(Modality modality, int size, long fillMs, long encodeNanos);

    /** One embedding was written; {@code endToEndMs} counts from the event's own timestamp. */
    void embedded(Modality modality, long endToEndMs);

    PipelineMetrics NONE = new PipelineMetrics() {
        @Override
        public void received(Modality modality) {
        }

        @Override
        public void deadLettered(Modality modality, DeadLetterReason reason) {
        }

        @Override
        public void batchEncoded(Modality modality, int size, long fillMs, long encodeNanos) {
        }

        @Override
        public void embedded(Modality modality, long endToEndMs) {
        }
    };
}
