package io.d2vstreams.runtime;

import io.d2vstreams.runtime.internal.ManifestCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checks a store version exactly as a pipeline checks it before serving, without serving it: so
 * that an operator's announcement ({@code d2v models promote}, {@code rollback}) never puts on
 * {@code d2v.models} a version every pipeline would refuse. The checks, in order:
 *
 * <ol>
 *   <li>the version folder exists and its {@code manifest.json} reads, naming this modality and version;</li>
 *   <li>every file in the folder is listed in the manifest (an unlisted file is covered by no
 *       checksum, so the manifest no longer describes the folder);</li>
 *   <li>the SHA-256 of every listed file matches the manifest, so the digest announced (computed from
 *       those checksums, {@link ModelManifest#digest()}) is the digest of the files on disk;</li>
 *   <li>the model loads in an ONNX Runtime session with the inputs and output of its modality, and
 *       its probe batch gives finite vectors of the manifest's width: the load and probe of
 *       {@link ModelStore#load}, the same code the pipeline runs.</li>
 * </ol>
 *
 * <p>A pipeline still runs every check itself when it swaps (its store may be another mount of the
 * files); this is the same gate one step earlier.
 */
public final class ModelVerifier {

    private final ModelStore store;
    private final EncoderOptions options;

    /**
     * @param options how the probe encoder is opened (CPU and ONNX Runtime's thread defaults are
     *     fine: the check is about the files, not the device)
     */
    public ModelVerifier(ModelStore store, EncoderOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Verifies version {@code version} of {@code modality} in the store.
     *
     * @return the verified manifest; its {@link ModelManifest#digest()} is what an announcement carries
     * @throws ModelLoadException saying what was wrong, the first check that failed
     */
    public ModelManifest verify(Modality modality, int version) {
        Objects.requireNonNull(modality, "modality");
        String where = modality.folderName() + " v" + version;
        Optional<ModelManifest> found;
        try {
            found = store.version(modality, version);
        } catch (UncheckedIOException e) {
            throw new ModelLoadException(null, where + " has an unreadable " + ManifestCodec.FILE + ": " + e.getMessage(), e);
        }
        ModelManifest manifest = found.orElseThrow(() -> new ModelLoadException(null,
                "the model store at " + store.root() + " has no " + where + " (expected a folder with a "
                        + ManifestCodec.FILE + ")"));
        if (manifest.modality() != modality || manifest.version() != version) {
            throw new ModelLoadException(manifest.id(), "the " + ManifestCodec.FILE + " in " + where + " says "
                    + manifest.modality().folderName() + " v" + manifest.version());
        }
        List<String> unlisted = unlistedFiles(manifest);
        if (!unlisted.isEmpty()) {
            throw new ModelLoadException(manifest.id(), "files not listed in " + ManifestCodec.FILE
                    + ", so no checksum covers them: " + unlisted + " (expected exactly the files "
                    + manifest.sha256ByFile().keySet() + ")");
        }
        // Checksums, the ONNX Runtime session and the probe batch: the pipeline's own load, closed at once.
        try (Encoder<?> probed = open(manifest)) {
            if (probed.dim() != manifest.dim()) {
                throw new ModelLoadException(manifest.id(), "wrong output size: the encoder makes " + probed.dim()
                        + "-long vectors, the manifest says dim " + manifest.dim());
            }
        }
        return manifest;
    }

    private Encoder<?> open(ModelManifest manifest) {
        return store.load(ModalitySpecs.of(manifest.modality()), manifest, options);
    }

    /** Entries of the version folder that are neither the manifest nor a file it lists. */
    private static List<String> unlistedFiles(ModelManifest manifest) {
        Path dir = manifest.directory();
        List<String> unlisted = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.equals(ManifestCodec.FILE) && !manifest.sha256ByFile().containsKey(name)) {
                    unlisted.add(Files.isDirectory(entry) ? name + "/" : name);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException(manifest.id(), "cannot list " + dir + ": " + e.getMessage(), e);
        }
        unlisted.sort(null);
        return unlisted;
    }
}
