package io.d2vstreams.topology.internal;

import io.d2vstreams.runtime.InputRejectedException;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.topology.DeadLetterReason;

/**
 * Maps an encoder's refusal of one input to the dead-letter reason that names it: the
 * preprocessing reason of model-runtime, qualified by modality where that helps an operator
 * (an image that is corrupt and a clip that is corrupt are different upstream bugs).
 */
final class PreprocessRefusals {
    private PreprocessRefusals() {
    }

    static DeadLetterReason reasonFor(Modality modality, InputRejectedException refusal) {
        return refusal.preprocessReason().map(reason -> reasonFor(modality, reason))
                .orElse(DeadLetterReason.ENCODER_REJECTED);
    }

    static DeadLetterReason reasonFor(Modality modality, PreprocessException.Reason reason) {
        if (reason == PreprocessException.Reason.UNSUPPORTED_FORMAT) {
            return DeadLetterReason.UNSUPPORTED_FORMAT;
        }
        return switch (modality) {
            case IMAGE -> switch (reason) {
                case EMPTY -> DeadLetterReason.IMAGE_EMPTY;
                case TOO_LARGE -> DeadLetterReason.IMAGE_TOO_LARGE;
                case TOO_MANY_PIXELS -> DeadLetterReason.IMAGE_TOO_MANY_PIXELS;
                case WRONG_DIMENSIONS -> DeadLetterReason.IMAGE_WRONG_DIMENSIONS;
                case CORRUPT -> DeadLetterReason.IMAGE_CORRUPT;
                // Audio-only reasons: an image preprocessor never gives them.
                case TOO_LONG, TOO_SHORT, UNSUPPORTED_FORMAT -> DeadLetterReason.ENCODER_REJECTED;
            };
            case AUDIO -> switch (reason) {
                case EMPTY -> DeadLetterReason.AUDIO_EMPTY;
                case TOO_LARGE -> DeadLetterReason.AUDIO_TOO_LARGE;
                case TOO_LONG -> DeadLetterReason.AUDIO_TOO_LONG;
                case TOO_SHORT -> DeadLetterReason.AUDIO_TOO_SHORT;
                case CORRUPT -> DeadLetterReason.AUDIO_CORRUPT;
                // Image-only reasons: an audio preprocessor never gives them.
                case TOO_MANY_PIXELS, WRONG_DIMENSIONS, UNSUPPORTED_FORMAT -> DeadLetterReason.ENCODER_REJECTED;
            };
            case TEXT -> DeadLetterReason.ENCODER_REJECTED;
        };
    }

    /** What to put in the message header: the preprocessing message (what was wrong, what the limit is). */
    static String messageOf(InputRejectedException refusal) {
        Throwable cause = refusal.getCause();
        return cause instanceof PreprocessException p ? p.getMessage() : String.valueOf(refusal.getMessage());
    }
}
