package io.d2vstreams.runtime.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from a Hugging Face {@code config.json} parsed into a map. Each failure names the
 * key, the value found and what was expected. A key that is absent takes the default given,
 * which is the one Hugging Face's config class would use.
 */
public final class HfConfig {

    private final Map<String, ?> config;

    public HfConfig(Map<String, ?> config) {
        this.config = config;
    }

    public boolean has(String key) {
        return config.get(key) != null;
    }

    public int integer(String key) {
        Object v = config.get(key);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw invalid(key, v, "an integer");
    }

    public int integer(String key, int dflt) {
        return has(key) ? integer(key) : dflt;
    }

    public double number(String key) {
        Object v = config.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw invalid(key, v, "a number");
    }

    public double number(String key, double dflt) {
        Object v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw invalid(key, v, "a number");
    }

    public boolean bool(String key, boolean dflt) {
        Object v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw invalid(key, v, "true or false");
    }

    /** A list of integers, e.g. {@code conv_kernel}. */
    public List<Integer> integers(String key, List<Integer> dflt) {
        Object v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw invalid(key, v, "a non-empty list of integers");
        }
        List<Integer> out = new ArrayList<>(list.size());
        for (Object e : list) {
            if (!(e instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
                throw invalid(key, v, "a non-empty list of integers");
            }
            out.add(n.intValue());
        }
        return List.copyOf(out);
    }

    /**
     * A square size: an integer, or a list of two equal integers (Hugging Face accepts
     * {@code image_size: [224, 224]}).
     */
    public int squareSize(String key, int dflt) {
        Object v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof List<?> list) {
            List<Integer> pair = integers(key, List.of());
            if (pair.size() == 2 && pair.get(0).equals(pair.get(1))) {
                return pair.get(0);
            }
            throw invalid(key, v, "an integer or two equal integers (non-square sizes are not supported)");
        }
        return integer(key);
    }

    /** Refuses a string setting other than the one value the ONNX writer builds. */
    public void requireIfPresent(String key, String expected, String why) {
        Object v = config.get(key);
        if (v != null && !expected.equals(v)) {
            throw new IllegalArgumentException("config " + key + " is '" + v + "', expected '" + expected + "'" + why);
        }
    }

    /** Refuses another {@code model_type}. */
    public void requireModelType(List<String> accepted) {
        Object type = config.get("model_type");
        if (type != null && !accepted.contains(type.toString())) {
            throw new IllegalArgumentException("config model_type is '" + type + "', expected one of " + accepted);
        }
    }

    public static IllegalArgumentException invalid(String key, Object value, String expected) {
        return new IllegalArgumentException("config " + key + " is " + value + ", expected " + expected);
    }
}
