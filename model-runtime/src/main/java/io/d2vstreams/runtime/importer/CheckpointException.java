package io.d2vstreams.runtime.importer;

/**
 * A checkpoint was refused: its files are unreadable, its tensors do not fit its config, or it
 * is of a kind this build cannot serve. The message names the file, the tensor and the values
 * that disagree, so an operator can fix the checkpoint without reading code.
 */
public class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
