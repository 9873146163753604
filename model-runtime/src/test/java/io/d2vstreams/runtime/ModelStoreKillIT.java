package io.d2vstreams.runtime;

import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.text.TextSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process that writes model versions (the trainer exporting, {@code d2v models import}) killed
 * with {@code kill -9} at random moments, again and again: every version the store lists
 * afterwards is whole (each file's SHA-256 matches its manifest, the model loads and passes the
 * probe), so a pipeline that loads a listed version never loads a half-written one. Half-written
 * versions stay in hidden temporary folders that listing ignores.
 */
@DisplayName("The model store, its writer killed -9 mid-write")
class ModelStoreKillIT {
    private static final int KILLS = 6;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("lists only whole versions after every kill, and versions keep being added")
    void killsDuringWrites(Modality modality) throws Exception {
        Path root = dir.resolve("models");
        SplittableRandom random = new SplittableRandom(modality.ordinal());
        int previous = 0;
        for (int round = 0; round < KILLS; round++) {
            Process writer = startWriter(root, modality);
            BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the writer started").isEqualTo("WRITING");
            assertThat(out.readLine()).as("the writer wrote a version").startsWith("WROTE ");
            long started = System.nanoTime();
            assertThat(out.readLine()).as("the writer wrote another").startsWith("WROTE ");
            long oneWriteNanos = System.nanoTime() - started; // warmed up: the first one includes start-up
            // A random moment of the next write (files, hashes, fsync, rename) or of the one after it.
            TimeUnit.NANOSECONDS.sleep((long) (random.nextDouble() * 2 * oneWriteNanos));
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).as("the writer died").isTrue();

            ModelStore store = new ModelStore(root);
            List<ModelManifest> versions = store.versions(modality);
            for (ModelManifest version : versions) {
                // The pipeline's own load: checksums of every file, the session, the probe batch.
                try (Encoder<?> encoder = load(store, version)) {
                    assertThat(encoder).as("round %d: %s v%d loads", round, modality, version.version()).isNotNull();
                }
            }
            assertThat(versions.size()).as("round %d: versions only ever added", round).isGreaterThanOrEqualTo(previous);
            previous = versions.size();
        }
        assertThat(previous).as("a version for each round at least").isGreaterThanOrEqualTo(KILLS);
        try (var leftovers = java.nio.file.Files.list(root.resolve(modality.folderName()))) {
            System.err.printf("ModelStoreKillIT %s: %d whole versions, %d writes cut short by a kill%n", modality, previous,
                    leftovers.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count());
        }
    }

    private static Encoder<?> load(ModelStore store, ModelManifest version) {
        return switch (version.modality()) {
            case TEXT -> store.load(TextSpec.INSTANCE, version, EncoderOptions.defaults());
            case IMAGE -> store.load(ImageSpec.INSTANCE, version, EncoderOptions.defaults());
            case AUDIO -> store.load(AudioSpec.INSTANCE, version, EncoderOptions.defaults());
        };
    }

    private Process startWriter(Path root, Modality modality) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                ModelStoreWriterChild.class.getName(), root.toString(), modality.name())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("writer-stderr.log").toFile()))
                .start();
    }
}
