package io.d2vstreams.runtime.importer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Compares the tensors a config calls for with those a checkpoint holds, from the header alone
 * (no data read), and reports every disagreement at once: an operator fixing a checkpoint
 * should not have to re-run the import once per wrong tensor.
 */
final class ShapeCheck {

    /** How many problems the message spells out before it summarises the rest. */
    private static final int LISTED = 12;

    private ShapeCheck() {}

    /**
     * @param expected canonical name → shape the config calls for
     * @param found canonical name → the file's entry
     * @param source what the checkpoint is called in messages
     * @throws CheckpointException listing missing tensors, wrong shapes and unreadable types
     */
    static void requireMatch(Map<String, long[]> expected, Map<String, SafetensorsFile.Entry> found, String source) {
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        expected.forEach((name, shape) -> {
            SafetensorsFile.Entry e = found.get(name);
            if (e == null) {
                missing.add(name);
            } else if (!Arrays.equals(e.shape(), shape)) {
                problems.add("tensor '" + e.name() + "' has shape " + Arrays.toString(e.shape())
                        + " in the checkpoint, the config calls for " + Arrays.toString(shape));
            } else if (e.type().filter(SafetensorsDtype::readableAsFloat).isEmpty()) {
                problems.add("tensor '" + e.name() + "' has dtype " + e.dtype() + ", expected F32, F16 or BF16");
            }
        });
        if (!missing.isEmpty()) {
            problems.add("missing " + missing.size() + " tensor" + (missing.size() == 1 ? "" : "s") + ": "
                    + String.join(", ", missing.subList(0, Math.min(LISTED, missing.size())))
                    + (missing.size() > LISTED ? ", ..." : ""));
        }
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(source).append(" does not match its config.json: ");
        message.append(String.join("; ", problems.subList(0, Math.min(LISTED, problems.size()))));
        if (problems.size() > LISTED) {
            message.append("; and ").append(problems.size() - LISTED).append(" more");
        }
        throw new CheckpointException(message.toString());
    }
}
