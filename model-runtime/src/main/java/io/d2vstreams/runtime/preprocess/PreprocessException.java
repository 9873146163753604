package io.d2vstreams.runtime.preprocess;

import java.util.Objects;

/**
 * An input that cannot become model input: empty, too large, corrupt, in a format we do not
 * read, or outside a configured limit.
 *
 * <p>Checked on purpose. A bad image or clip is an expected outcome on the data path, not a
 * bug (DESIGN.md: a bad record "goes to d2v.dlq with a clear reason" and never stops the
 * pipeline), so the compiler makes every caller decide where it goes. It also keeps bad input
 * apart from {@link RuntimeException}, which in this package always means a bug and should
 * propagate. Whatever a third-party decoder throws on malformed bytes is wrapped into this
 * type (reason {@link Reason#CORRUPT}, the original as the cause), never let through.
 *
 * <p>The message says what was found and what the limit is, e.g. "image header declares
 * 100000x100000 = 10000000000 pixels; limit is 40000000"; {@link #reason()} is the stable
 * machine-readable part (for a dead-letter header or a metric label).
 */
public final class PreprocessException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an input was refused. Names are stable: they end up in dead-letter headers. */
    public enum Reason {
        /** No content: zero bytes, or a well-formed file with zero pixels or samples. */
        EMPTY,
        /** More bytes than the configured limit; refused before any parsing. */
        TOO_LARGE,
        /** The image header declares more pixels than the limit; refused before decoding. */
        TOO_MANY_PIXELS,
        /** The image is not the size the model needs and resizing is switched off. */
        WRONG_DIMENSIONS,
        /** Audio longer than the limit, with the REFUSE policy. */
        TOO_LONG,
        /** Audio shorter than the model's minimum input. */
        TOO_SHORT,
        /** Recognised or unrecognised, but not a format or encoding we decode. */
        UNSUPPORTED_FORMAT,
        /** The bytes claim a supported format but cannot be decoded as it. */
        CORRUPT
    }

    private final Reason reason;

    public PreprocessException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public PreprocessException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The machine-readable cause; the message has the details. */
    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "PreprocessException[" + reason + "]: " + getMessage();
    }
}
