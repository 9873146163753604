package io.d2vstreams.runtime.preprocess;

import java.util.Optional;

/**
 * A media file's bytes into what a model takes (an image's {@code pixel_values}, a clip's
 * {@code input_values}), refusing with a {@link PreprocessException} what it cannot use. What the
 * serving encoders and the trainer ask before they batch an input, written once.
 */
public interface MediaPreprocessor {

    /**
     * The model's input values for one file.
     *
     * @throws PreprocessException saying what is wrong with the file and what the limit is
     */
    float[] preprocess(byte[] bytes) throws PreprocessException;

    /**
     * Why {@link #preprocess} would refuse {@code bytes}: its exception's message; empty when it
     * would not. Costs one preprocessing.
     */
    default Optional<String> rejectReason(byte[] bytes) {
        try {
            preprocess(bytes);
            return Optional.empty();
        } catch (PreprocessException e) {
            return Optional.of(e.getMessage());
        }
    }
}
