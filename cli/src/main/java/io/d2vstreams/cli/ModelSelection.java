package io.d2vstreams.cli;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.importer.CheckpointImporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which model version {@code embed} and {@code bench} use: the folder {@code --model} names, or
 * else the latest version in {@code --store}, with the seeded default generated first when the
 * store has none (as the pipeline does at start-up).
 */
final class ModelSelection {
    private static final String MANIFEST = "manifest.json";
    private static final long DEFAULT_SEED = 42;

    @Option(names = "--model", paramLabel = "DIR",
            description = "A model version folder (<store>/<modality>/v<N>, with manifest.json) or a Hugging Face "
                    + "checkpoint folder (config.json, model.safetensors; imported into a temporary store first).")
    Path model;

    @Mixin
    StoreOption store;

    /** The chosen version; {@link #close()} deletes the temporary store a checkpoint was imported into. */
    record Selected(ModelStore store, ModelManifest manifest, Optional<Path> temporary) implements AutoCloseable {
        @Override
        public void close() {
            temporary.ifPresent(ModelSelection::deleteTree);
        }
    }

    Selected select(Modality modality, PrintWriter notices) {
        if (model != null) {
            return fromFolder(modality, model);
        }
        ModelStore opened = store.open();
        Optional<ModelManifest> latest = opened.latest(modality);
        if (latest.isPresent()) {
            return new Selected(opened, latest.get(), Optional.empty());
        }
        ModelManifest created = opened.initDefault(modality, DEFAULT_SEED);
        notices.println("d2v: the model store " + store.directory + " had no " + modality.folderName()
                + " model; initialised the seeded default " + created.name() + " v" + created.version());
        return new Selected(opened, created, Optional.empty());
    }

    private static Selected fromFolder(Modality modality, Path dir) {
        if (Files.isRegularFile(dir.resolve(MANIFEST))) {
            ModelManifest manifest = ModelStore.readVersion(dir);
            if (manifest.modality() != modality) {
                throw new IllegalArgumentException(dir + " holds a " + manifest.modality().folderName()
                        + " model, not a " + modality.folderName() + " one");
            }
            return new Selected(new ModelStore(dir.toAbsolutePath().getParent()), manifest, Optional.empty());
        }
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            Path temporary = createTemporaryStore();
            try {
                ModelStore scratch = new ModelStore(temporary);
                ModelManifest manifest = new CheckpointImporter(scratch).importCheckpoint(
                        new CheckpointImporter.Request(dir, Optional.of(modality), Optional.empty()));
                return new Selected(scratch, manifest, Optional.of(temporary));
            } catch (RuntimeException e) {
                deleteTree(temporary);
                throw e;
            }
        }
        throw new IllegalArgumentException(dir + " is neither a model version folder (manifest.json) nor a "
                + "Hugging Face checkpoint folder (config.json, model.safetensors)");
    }

    private static Path createTemporaryStore() {
        try {
            return Files.createTempDirectory("d2v-model-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary model store: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary model store " + root + ": " + e.getMessage(), e);
        }
    }
}
