package io.d2vstreams.runtime;

import io.d2vstreams.runtime.preprocess.PreprocessException;
import java.util.Objects;
import java.util.Optional;

/**
 * An input the encoder refuses: for text, more tokens than the model allows under
 * {@link TruncationPolicy#REJECT}; for images and audio, bytes that preprocessing refuses
 * (corrupt, unsupported, too large, too long, too short). Carries the position in the batch so a
 * caller can route that one record aside and embed the rest.
 */
public final class InputRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int inputIndex;
    private final int length;
    private final int limit;

    /** A refusal for size: {@code length} model units where at most {@code limit} fit. */
    public InputRejectedException(int inputIndex, int length, int limit, String message) {
        super(message);
        this.inputIndex = inputIndex;
        this.length = length;
        this.limit = limit;
    }

    /**
     * A refusal by preprocessing: the cause says why ({@link #preprocessReason()}); length and
     * limit are -1.
     */
    public InputRejectedException(int inputIndex, String message, PreprocessException cause) {
        super(message, Objects.requireNonNull(cause, "cause"));
        this.inputIndex = inputIndex;
        this.length = -1;
        this.limit = -1;
    }

    /** Position of the refused input in the batch passed to {@code embed}. */
    public int inputIndex() {
        return inputIndex;
    }

    /** The input's size in model units (tokens for text); -1 when the refusal is not about size. */
    public int length() {
        return length;
    }

    /** The most the model accepts, in the same units; -1 when the refusal is not about size. */
    public int limit() {
        return limit;
    }

    /** Why preprocessing refused the input, when it did: the stable code for a dead-letter header. */
    public Optional<PreprocessException.Reason> preprocessReason() {
        return getCause() instanceof PreprocessException p ? Optional.of(p.reason()) : Optional.empty();
    }
}
