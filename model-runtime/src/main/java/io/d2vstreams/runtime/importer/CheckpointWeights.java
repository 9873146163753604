package io.d2vstreams.runtime.importer;

import io.d2vstreams.runtime.TensorBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weights of a checkpoint folder's {@code model.safetensors}, under the ONNX writers' names,
 * after every tensor the config calls for has been checked against the header. Tensors the
 * writer does not use (heads, poolers, buffers such as {@code position_ids}) are skipped with
 * one log line and never read.
 */
final class CheckpointWeights {

    static final String WEIGHTS_FILE = "model.safetensors";
    static final String SHARD_INDEX_FILE = "model.safetensors.index.json";
    private static final String PYTORCH_FILE = "pytorch_model.bin";
    private static final int LOGGED_NAMES = 8;
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWeights.class);

    private CheckpointWeights() {}

    /**
     * @param expected canonical name → shape, in the order the bundle should have
     * @throws CheckpointException when the file is missing, malformed, or does not fit {@code expected}
     */
    static TensorBundle read(Path directory, Map<String, long[]> expected, CheckpointImporter.Progress progress)
            throws IOException {
        Path file = directory.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(missingWeightsReason(directory));
        }
        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            Map<String, SafetensorsFile.Entry> found = new LinkedHashMap<>();
            CheckpointNames.byCanonicalName(safetensors.entries().keySet())
                    .forEach((canonical, inFile) -> found.put(canonical, safetensors.entries().get(inFile)));
            ShapeCheck.requireMatch(expected, found, file.toString());
            logIgnored(file, expected, found);

            TensorBundle.Builder bundle = TensorBundle.builder();
            int done = 0;
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                bundle.put(e.getKey(), e.getValue(), safetensors.readFloats(found.get(e.getKey()).name()));
                progress.tensorsRead(++done, expected.size());
            }
            return bundle.build();
        }
    }

    private static String missingWeightsReason(Path directory) {
        if (Files.isRegularFile(directory.resolve(SHARD_INDEX_FILE))) {
            return directory + " holds a sharded checkpoint (" + SHARD_INDEX_FILE + "); only a single "
                    + WEIGHTS_FILE + " is imported: merge the shards into one file first";
        }
        if (Files.isRegularFile(directory.resolve(PYTORCH_FILE))) {
            return directory + " has " + PYTORCH_FILE + " but no " + WEIGHTS_FILE + "; pickled PyTorch weights are"
                    + " not read (they can run code): save the model with safe_serialization=True";
        }
        return directory + " has no " + WEIGHTS_FILE;
    }

    private static void logIgnored(Path file, Map<String, long[]> expected, Map<String, SafetensorsFile.Entry> found) {
        List<String> ignored = new ArrayList<>();
        found.forEach((canonical, entry) -> {
            if (!expected.containsKey(canonical)) {
                ignored.add(entry.name());
            }
        });
        if (!ignored.isEmpty()) {
            LOG.info("event=checkpoint_tensors_ignored file={} count={} names=\"{}{}\"", file, ignored.size(),
                    String.join(",", ignored.subList(0, Math.min(LOGGED_NAMES, ignored.size()))),
                    ignored.size() > LOGGED_NAMES ? ",..." : "");
        }
    }
}
