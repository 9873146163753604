package io.d2vstreams.trainer.internal;

import io.d2vstreams.runtime.EncoderConfig;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.spi.ModalitySpec;
import io.d2vstreams.runtime.store.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one file of a model-store version, checked against the SHA-256 its manifest records. */
public final class VersionFiles {

    private VersionFiles() {}

    /**
     * @throws IllegalArgumentException when the manifest lists no such file or the checksum differs
     * @throws UncheckedIOException when the file cannot be read
     */
    public static byte[] read(ModelManifest manifest, String file) {
        String expected = manifest.sha256ByFile().get(file);
        if (expected == null) {
            throw new IllegalArgumentException(manifest.id() + " lists no " + file);
        }
        Path path = manifest.directory().resolve(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " of " + manifest.id() + ": " + e.getMessage(), e);
        }
        String actual = Sha256.of(bytes);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new IllegalArgumentException("checksum mismatch for " + file + " of " + manifest.id()
                    + ": manifest says sha256 " + expected + ", file has " + actual);
        }
        return bytes;
    }

    /**
     * The preprocessing a version serves with, as {@code ModelStore.load} reads it: its
     * preprocessing file, checked against the manifest, read by the spec; the spec's defaults where
     * the file is optional and the version has none.
     *
     * @throws IllegalArgumentException when the file's checksum differs or the spec refuses it
     * @throws UncheckedIOException when the file cannot be read or parsed
     */
    public static <C extends EncoderConfig, P> P preprocessing(ModalitySpec<C, P, ?> spec, C config,
            ModelManifest manifest) {
        String file = spec.preprocessingFile();
        byte[] bytes = spec.preprocessingRequired() || manifest.sha256ByFile().containsKey(file) ? read(manifest, file)
                : null;
        try {
            return spec.readPreprocessing(config, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(manifest.id() + ": " + file + " is unreadable", e);
        }
    }
}
