package io.d2vstreams.runtime.importer;

import java.nio.file.Path;

/** A safetensors file breaks its format: a header or an offset that the bytes cannot back. */
public final class SafetensorsException extends CheckpointException {

    private static final long serialVersionUID = 1L;

    public SafetensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafetensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
