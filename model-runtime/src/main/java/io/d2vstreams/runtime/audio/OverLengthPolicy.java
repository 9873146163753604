package io.d2vstreams.runtime.audio;

import io.d2vstreams.runtime.preprocess.PreprocessException;

/** What to do with audio longer than the configured maximum. */
public enum OverLengthPolicy {
    /** Refuse it ({@link PreprocessException.Reason#TOO_LONG}); the pipeline dead-letters it. */
    REFUSE,
    /** Keep the first {@code maxSeconds} and drop the rest. */
    CROP
}
