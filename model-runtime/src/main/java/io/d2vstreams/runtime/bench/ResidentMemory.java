package io.d2vstreams.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set size, from {@code /proc/self/status} (Linux). Resident memory,
 * not the Java heap, because an encoder's memory is mostly native: ONNX Runtime's arenas,
 * sessions and the direct input buffers. NaN where the file does not exist.
 */
final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {}

    /** Resident memory in MiB, NaN when the platform does not say. */
    static double mebibytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:     123456 kB"
                    String kilobytes = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kilobytes) / 1024.0;
                }
            }
            return Double.NaN;
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }
}
