package io.d2vstreams.cli.index;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Small files replaced whole: a reader (or a restart after a crash) sees the old content or the new, never a part. */
final class AtomicFiles {
    private AtomicFiles() {
    }

    static void writeString(Path file, CharSequence text) throws IOException {
        Files.createDirectories(file.getParent());
        Path staged = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(staged, text, StandardCharsets.UTF_8);
        try {
            Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
