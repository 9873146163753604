package io.d2vstreams.trainer.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
    private static final String TMP_PREFIX = ".tmp-";

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
        Path tmp = root.resolve(TMP_PREFIX + UUID.randomUUID());
        Path displaced = null;
        try {
            Files.createDirectories(root);
            removeLeftovers();
            Files.createDirectory(tmp);
            writer.writeTo(tmp);
            syncFiles(tmp);
            syncDirectory(tmp);
            if (Files.exists(target)) {
                // Same step again (a later `extra`): move the old one aside first; a crash between
                // the two renames leaves the previous checkpoints, which are still complete.
                displaced = root.resolve(TMP_PREFIX + "old-" + UUID.randomUUID());
                Files.move(target, displaced, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(root);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("checkpoints at " + root + " need a file system with atomic rename", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of step " + step + " under " + root, e);
        } finally {
            deleteRecursively(tmp);
            if (displaced != null) {
                deleteRecursively(displaced);
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
            deleteRecursively(old);
            LOG.info("event=checkpoint_pruned path={}", old);
        }
    }

    private void removeLeftovers() throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            children.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).forEach(CheckpointDirectory::deleteRecursively);
        }
    }

    private static void syncFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
    }

    /** Makes renames in {@code dir} durable (POSIX: fsync the folder); a no-op where unsupported. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("directory fsync not supported for {}: {}", dir, e.toString());
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("event=checkpoint_cleanup_failed path={} error=\"{}\"", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("event=checkpoint_cleanup_failed path={} error=\"{}\"", dir, e.toString());
        }
    }
}
