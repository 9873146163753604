package io.d2vstreams.runtime.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Typed reads from a Hugging Face {@code preprocessor_config.json}. Keys we do not know are
 * ignored (those files carry many); a key we know with a value of the wrong shape fails at once
 * with the file, the key, the value and what was expected.
 */
public final class ConfigJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Where the JSON came from, for messages: a file path or a description. */
    private final String source;
    private final JsonNode root;

    private ConfigJson(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    public static ConfigJson read(Path file) throws IOException {
        return of(file.toString(), MAPPER.readTree(file.toFile()));
    }

    /** Parses JSON already in memory (a checksum-verified file of a model version, say). */
    public static ConfigJson read(byte[] json, String source) throws IOException {
        return of(source, MAPPER.readTree(json));
    }

    private static ConfigJson of(String source, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object at the top level");
        }
        return new ConfigJson(source, root);
    }

    /** The value of {@code key}, or null when absent or JSON null. */
    public JsonNode node(String key) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? null : n;
    }

    public boolean bool(String key, boolean dflt) {
        JsonNode n = node(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw invalid(key, n, "true or false");
        }
        return n.booleanValue();
    }

    public int integer(String key, int dflt) {
        JsonNode n = node(key);
        return n == null ? dflt : integer(key, n);
    }

    public int integer(String key, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw invalid(key, n, "an integer");
        }
        return n.intValue();
    }

    public double number(String key, double dflt) {
        JsonNode n = node(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw invalid(key, n, "a number");
        }
        return n.doubleValue();
    }

    /** Three numbers, one per RGB channel; a single number means the same for all three. */
    public float[] rgbTriple(String key, float[] dflt) {
        JsonNode n = node(key);
        if (n == null) {
            return dflt;
        }
        if (n.isNumber()) {
            float v = n.floatValue();
            return new float[] {v, v, v};
        }
        if (!n.isArray() || n.size() != 3) {
            throw invalid(key, n, "3 numbers (R, G, B)");
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!n.get(i).isNumber()) {
                throw invalid(key, n, "3 numbers (R, G, B)");
            }
            out[i] = n.get(i).floatValue();
        }
        return out;
    }

    public IllegalArgumentException invalid(String key, JsonNode value, String expected) {
        return new IllegalArgumentException(source + ": key '" + key + "' is " + value + "; expected " + expected);
    }
}
