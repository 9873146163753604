package io.d2vstreams.cli.index;

import io.d2vstreams.runtime.Modality;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The index folder of {@code d2v index}: per modality one {@link VersionIndex} per model version
 * ({@code <root>/text/v2/}) and a one-line {@code SERVING} file naming the version that answers
 * searches. The indexer builds a new version's index beside the serving one and switches by
 * rewriting {@code SERVING} (atomically, after that index is committed) only at the cut-over, so
 * a search never sees a half-built space.
 */
public final class VectorIndexes {
    /** Beside the model store's default ({@code d2v-data/models}). */
    public static final String DEFAULT_DIR = "d2v-data/index";
    private static final String SERVING = "SERVING";
    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d+)");

    private final Path root;

    public VectorIndexes(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    public Path root() {
        return root;
    }

    /** Where the index of {@code modality} at {@code version} lives. */
    public Path dirOf(Modality modality, int version) {
        return modalityDir(modality).resolve("v" + version);
    }

    /** Opens the index of {@code modality} at {@code version} for writing, creating it if new. */
    public VersionIndex openForWriting(Modality modality, int version) throws IOException {
        return VersionIndex.openForWriting(dirOf(modality, version), modality.folderName() + " v" + version);
    }

    /** The versions that have an index folder, in ascending order. */
    public List<Integer> versions(Modality modality) throws IOException {
        Path dir = modalityDir(modality);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Integer> versions = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(Files::isDirectory).forEach(child -> {
                Matcher m = VERSION_DIR.matcher(child.getFileName().toString());
                if (m.matches()) {
                    versions.add(Integer.parseInt(m.group(1)));
                }
            });
        }
        versions.sort(null);
        return versions;
    }

    /** The version that answers searches of {@code modality}, empty before the first switch. */
    public OptionalInt serving(Modality modality) throws IOException {
        Path file = modalityDir(modality).resolve(SERVING);
        if (!Files.exists(file)) {
            return OptionalInt.empty();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
            return OptionalInt.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            throw new IOException(file + " should hold a model version number, holds \"" + text + "\"", e);
        }
    }

    /**
     * Makes {@code version} the one that answers searches of {@code modality}. The caller has
     * committed that version's index: this only moves the pointer, with a rename, so a reader sees
     * the old version or the new one, never neither.
     */
    public void serve(Modality modality, int version) throws IOException {
        if (!Files.isDirectory(dirOf(modality, version))) {
            throw new IllegalArgumentException("no index of " + modality.folderName() + " v" + version + " under " + root);
        }
        AtomicFiles.writeString(modalityDir(modality).resolve(SERVING), version + "\n");
    }

    /** The {@code k} nearest neighbours of {@code query} in the serving index of {@code modality}. */
    public List<SearchHit> search(Modality modality, float[] query, int k) throws IOException {
        int version = serving(modality).orElseThrow(() -> new IllegalStateException("no index of "
                + modality.folderName() + " serves yet under " + root + ": d2v index has not seen its embeddings"));
        return VersionIndex.search(dirOf(modality, version), query, k);
    }

    private Path modalityDir(Modality modality) {
        return root.resolve(modality.folderName());
    }
}
