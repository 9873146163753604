package io.d2vstreams.trainer.internal;

import io.d2vstreams.runtime.store.DurableFolders;
import io.d2vstreams.runtime.store.StagedDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints under one root, {@code <root>/step-000000001234/}. A checkpoint is written into a
 * hidden temporary folder, every file and the folder are flushed to disk, and only then is the
 * folder renamed to its step name in one atomic step (and the root flushed): after a crash, a
 * step folder is either complete or absent, and leftovers of an interrupted write are hidden
 * {@code .tmp-*} folders that readers ignore and the next write removes. Older checkpoints are
 * pruned only after the new one is durable.
 */
public final class CheckpointDirectory {

    /** Writes the files of a checkpoint into an empty folder. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path folder) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectory.class);
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{12})");

    private final Path root;

    public CheckpointDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * Writes the checkpoint of {@code step} atomically, replacing an older one of the same step,
     * then keeps only the newest {@code keep} checkpoints.
     *
     * @return the checkpoint's folder
     */
    public Path write(long step, Writer writer, int keep) {
        Path target = root.resolve(String.format(Locale.ROOT, "step-%012d", step));
        Path displaced = null;
        try {
            Files.createDirectories(root);
            StagedDirectory.removeLeftovers(root);
            try (StagedDirectory staged = StagedDirectory.create(root)) {
                writer.writeTo(staged.path());
                staged.syncFiles();
                if (Files.exists(target)) {
                    // Same step again (a later `extra`): move the old one aside first; a crash between
                    // the two renames leaves the previous checkpoints, which are still complete.
                    displaced = root.resolve(StagedDirectory.PREFIX + "old-" + UUID.randomUUID());
                    Files.move(target, displaced, StandardCopyOption.ATOMIC_MOVE);
                }
                if (!staged.publishAs(target)) {
                    throw new IOException(target + " appeared while the checkpoint was written; is another trainer using " + root + "?");
                }
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("checkpoints at " + root + " need a file system with atomic rename", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of step " + step + " under " + root, e);
        } finally {
            if (displaced != null) {
                DurableFolders.deleteRecursively(displaced);
            }
        }
        prune(keep);
        return target;
    }

    /** Complete checkpoint folders, newest step first. */
    public List<Path> newestFirst() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            children.filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + root, e);
        }
        out.sort(Comparator.comparingLong(CheckpointDirectory::stepOf).reversed());
        return out;
    }

    /** The step a checkpoint folder is named after. */
    public static long stepOf(Path folder) {
        Matcher m = STEP_DIR.matcher(folder.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(folder + " is not a checkpoint folder");
        }
        return Long.parseLong(m.group(1));
    }

    private void prune(int keep) {
        List<Path> all = newestFirst();
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            DurableFolders.deleteRecursively(old);
            LOG.info("event=checkpoint_pruned path={}", old);
        }
    }

}
