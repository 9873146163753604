package io.d2vstreams.runtime;

import java.util.Optional;

/**
 * A model version that must not serve: checksum mismatch, a file that does not load, wrong
 * output size, NaN/Inf on the probe batch. The message says which and why; the caller marks the
 * version REJECTED and keeps the previous one.
 */
public final class ModelLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ModelId model;

    public ModelLoadException(ModelId model, String reason) {
        this(model, reason, null);
    }

    public ModelLoadException(ModelId model, String reason, Throwable cause) {
        super("refused " + describe(model) + ": " + reason, cause);
        this.model = model;
    }

    /** The version that was refused, when known. */
    public Optional<ModelId> model() {
        return Optional.ofNullable(model);
    }

    private static String describe(ModelId id) {
        return id == null
                ? "model"
                : id.modality().folderName() + " model " + id.name() + " v" + id.version();
    }
}
