package io.d2vstreams.trainer;

import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint on disk.
 *
 * @param directory its folder
 * @param step the updates it holds
 * @param extra what the caller stored with it (consumer offsets, say), as given
 * @param createdAtMs when it was written, epoch milliseconds
 */
public record CheckpointInfo(Path directory, long step, Map<String, String> extra, long createdAtMs) {

    public CheckpointInfo {
        extra = Map.copyOf(extra);
    }
}
