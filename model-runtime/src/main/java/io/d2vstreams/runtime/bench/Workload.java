package io.d2vstreams.runtime.bench;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import java.io.IOException;
import java.util.List;

/**
 * One modality's part of an {@link EncoderBench} run: realistic generated inputs, the encoder
 * that embeds them, and the work one {@code embed} call does, computed and timed on its own so
 * the timed loop runs exactly what the pipeline runs.
 *
 * @param <I> the encoder's input type
 */
interface Workload<I> extends AutoCloseable {

    /** The next {@code count} inputs from the seeded generator. */
    List<I> inputs(int count);

    /** The encoder under test; the caller closes it. */
    Encoder<I> open(EncoderOptions options);

    /**
     * Positions, executed FLOPs and preprocessing time of one call, for an encoder that splits
     * calls into runs of at most {@code maxBatch} the way the real one does.
     */
    CallWork work(List<I> call, int maxBatch) throws IOException;

    @Override
    void close();

    /** The longest of {@code lengths} at the indices of one run: what the run pads to. */
    static int longest(int[] bucket, int[] lengths) {
        int longest = 0;
        for (int idx : bucket) {
            longest = Math.max(longest, lengths[idx]);
        }
        return longest;
    }
}
