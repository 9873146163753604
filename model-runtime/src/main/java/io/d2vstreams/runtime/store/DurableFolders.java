package io.d2vstreams.runtime.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The two folder operations that crash-safe writers need besides a rename: flush one, delete one. */
public final class DurableFolders {

    private static final Logger LOG = LoggerFactory.getLogger(DurableFolders.class);

    private DurableFolders() {}

    /**
     * Makes the renames and creations in {@code dir} durable (POSIX: fsync the folder itself, as
     * rename(2) alone does not survive a power cut); a no-op where the platform cannot open a
     * folder for it.
     */
    public static void sync(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("directory fsync not supported for {}: {}", dir, e.toString());
        }
    }

    /**
     * Deletes {@code dir} and everything below it, if it exists. A file that cannot be deleted is
     * logged and left: callers use this for clean-up, where an error must not hide the outcome of
     * the write it follows, and the leftover is a hidden folder that readers ignore.
     */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("event=cleanup_failed path={} error=\"{}\"", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("event=cleanup_failed path={} error=\"{}\"", dir, e.toString());
        }
    }
}
