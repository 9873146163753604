package io.d2vstreams.runtime.bench;

/**
 * What one {@code embed} call made the hardware do, counted apart from the timed loop.
 *
 * @param realPositions positions that carried input (tokens, patches, frames)
 * @param paddedPositions positions computed, padding included
 * @param flops executed FLOPs, padding included
 * @param preprocessNanos time the modality's preprocessing (tokenizing, decoding, resizing,
 *        resampling) took on the call's inputs, timed on its own
 */
record CallWork(long realPositions, long paddedPositions, double flops, long preprocessNanos) {

    static final CallWork NONE = new CallWork(0, 0, 0, 0);

    CallWork plus(CallWork o) {
        return new CallWork(realPositions + o.realPositions, paddedPositions + o.paddedPositions,
                flops + o.flops, preprocessNanos + o.preprocessNanos);
    }
}
