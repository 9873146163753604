package io.d2vstreams.runtime;

/**
 * An input the encoder refuses under its options (for text: more tokens than the model allows
 * under {@link TruncationPolicy#REJECT}). Carries the position in the batch so a caller can route
 * that one record aside and embed the rest.
 */
public final class InputRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int inputIndex;
    private final int length;
    private final int limit;

    public InputRejectedException(int inputIndex, int length, int limit, String message) {
        super(message);
        this.inputIndex = inputIndex;
        this.length = length;
        this.limit = limit;
    }

    /** Position of the refused input in the batch passed to {@code embed}. */
    public int inputIndex() {
        return inputIndex;
    }

    /** The input's size in model units (tokens for text). */
    public int length() {
        return length;
    }

    /** The most the model accepts, in the same units. */
    public int limit() {
        return limit;
    }
}
