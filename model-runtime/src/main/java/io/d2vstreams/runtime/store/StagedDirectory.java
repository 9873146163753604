package io.d2vstreams.runtime.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A folder that appears under its final name only once it is complete and on disk: the model
 * store's versions and the trainer's checkpoints are written this way. Files are written into a
 * hidden {@code .tmp-<uuid>} folder beside the target, flushed ({@link #syncFiles}), and the
 * folder is renamed onto the target in one atomic step, then the parent is flushed
 * ({@link #publishAs}). After a crash the target is either complete or absent; what is left is a
 * hidden staging folder that readers skip ({@link #isStaging}).
 *
 * <p>{@link #close()} deletes the staging folder if it was not published, so a failed write
 * leaves nothing behind: use it in try-with-resources.
 */
public final class StagedDirectory implements AutoCloseable {

    /** Name prefix of staging folders; readers of the parent skip names that start with it. */
    public static final String PREFIX = ".tmp-";

    private final Path path;

    private StagedDirectory(Path path) {
        this.path = path;
    }

    /** Creates {@code parent} if needed and a fresh, empty staging folder in it. */
    public static StagedDirectory create(Path parent) throws IOException {
        Objects.requireNonNull(parent, "parent");
        Files.createDirectories(parent);
        return new StagedDirectory(Files.createDirectory(parent.resolve(PREFIX + UUID.randomUUID())));
    }

    /** Whether {@code child} is a staging folder (complete or not, published never). */
    public static boolean isStaging(Path child) {
        return child.getFileName().toString().startsWith(PREFIX);
    }

    /**
     * Deletes every staging folder in {@code parent}: the leftovers of writes a crash
     * interrupted. Only for a parent that one writer owns (the trainer's checkpoint root); where
     * several processes write (the model store), another one's staging folder may be in use.
     */
    public static void removeLeftovers(Path parent) throws IOException {
        try (Stream<Path> children = Files.list(parent)) {
            children.filter(StagedDirectory::isStaging).forEach(DurableFolders::deleteRecursively);
        }
    }

    /** The staging folder to write into. */
    public Path path() {
        return path;
    }

    /** Writes {@code bytes} as the file {@code name} of the staging folder and flushes it to disk. */
    public void writeSynced(String name, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
    }

    /**
     * Flushes every file of the staging folder to disk.
     *
     * @return the files, sorted by name
     * @throws IOException when a file cannot be flushed, or the folder holds anything but plain
     *     files (a subfolder would escape the flush, and the readers expect none)
     */
    public List<Path> syncFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> children = Files.list(path)) {
            children.forEach(files::add);
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IOException("a staged folder holds only plain files, found " + f.getFileName());
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        return files;
    }

    /**
     * Renames the staging folder onto {@code target} in one atomic step. The staging folder is
     * flushed first, so the names of the files in it are durable before the folder becomes
     * visible, and the parent after, so the rename is.
     *
     * @return false, with nothing renamed, when {@code target} already exists (another writer
     *     took that name first); the staging folder stays and may be published under another name
     * @throws java.nio.file.AtomicMoveNotSupportedException when the file system cannot rename atomically
     */
    public boolean publishAs(Path target) throws IOException {
        if (Files.exists(target)) {
            return false;
        }
        DurableFolders.sync(path);
        try {
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            // rename(2) onto a folder another writer just filled fails with ENOTEMPTY, which the
            // JDK reports as a plain FileSystemException, not DirectoryNotEmptyException.
            if (Files.exists(target)) {
                return false; // another writer took the name between our check and our rename
            }
            throw e;
        }
        DurableFolders.sync(target.getParent());
        return true;
    }

    /** Deletes the staging folder unless it was published. */
    @Override
    public void close() {
        DurableFolders.deleteRecursively(path);
    }
}
