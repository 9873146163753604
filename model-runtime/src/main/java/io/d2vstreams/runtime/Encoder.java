package io.d2vstreams.runtime;

import java.util.List;
import java.util.Optional;

/**
 * One loaded model version for one modality: turns a batch of inputs into one pooled vector
 * each. Implementations are safe for concurrent {@link #embed} calls. {@link #close()} frees
 * the native resources exactly once; {@link ModelHolder} makes sure it is never called while an
 * embed is running.
 *
 * @param <I> the input type ({@code String} for text; the encoded file, {@code byte[]}, for images
 *     and audio)
 */
public interface Encoder<I> extends AutoCloseable {

    ModelId id();

    /** Length of every vector {@link #embed} returns (the model's hidden size). */
    int dim();

    /** Where it runs: CUDA only when the session really got the CUDA provider. */
    Device device();

    /**
     * Embeds a batch: mean over the valid positions of {@code last_hidden_state}, then L2
     * normalisation when the options say so. One row per input, in input order.
     *
     * @throws InputRejectedException when an input breaks a limit the options enforce, or its bytes
     *     cannot be preprocessed (a corrupt image, a WAV that is too short): it names the first
     *     such input; {@link #rejectReason} finds them beforehand
     * @throws IllegalStateException when the encoder is closed or the model fails at run time
     */
    float[][] embed(List<I> inputs);

    /**
     * Why {@link #embed} would reject this input, if it would; empty when it is acceptable. Lets
     * a caller route a bad record aside before batching instead of catching an exception.
     */
    default Optional<String> rejectReason(I input) {
        return Optional.empty();
    }

    /**
     * Fraction of the model positions computed since this encoder opened that carried real input
     * rather than padding (1.0 when nothing was padded or the modality never pads).
     */
    default double paddingEfficiency() {
        return 1.0;
    }

    /** Closes native resources exactly once; later calls do nothing. */
    @Override
    void close();
}
