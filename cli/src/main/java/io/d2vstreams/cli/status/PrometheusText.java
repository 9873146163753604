package io.d2vstreams.cli.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/**
 * The samples of one scrape in the Prometheus text exposition format (version 0.0.4, what
 * {@code /metrics} serves): {@code name{label="value",...} value [timestamp]} lines, comments and
 * {@code # TYPE} lines skipped. Only what {@code d2v status} needs: find samples by name and labels.
 *
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format">the text format</a>
 */
public final class PrometheusText {

    /** One sample: a metric name, its labels, and its value ({@code NaN}, {@code +Inf} included). */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Map.copyOf(labels);
        }
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /**
     * Parses a scrape.
     *
     * @throws IllegalArgumentException naming the line that is not a sample
     */
    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            out.add(sample(line));
        }
        return new PrometheusText(out);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The value of the first sample named {@code name} whose labels include every pair of {@code labels}. */
    public OptionalDouble value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).findFirst();
    }

    /** The sum over the samples named {@code name} whose labels pass {@code filter}; empty when there is none. */
    public OptionalDouble sum(String name, Predicate<Map<String, String>> filter) {
        List<Sample> matching = samples.stream().filter(s -> s.name().equals(name) && filter.test(s.labels())).toList();
        return matching.isEmpty() ? OptionalDouble.empty()
                : OptionalDouble.of(matching.stream().mapToDouble(Sample::value).sum());
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            rest = labels(line, brace + 1, labels);
        } else if (space > 0) {
            name = line.substring(0, space);
            rest = space;
        } else {
            throw new IllegalArgumentException("not a Prometheus sample line: " + line);
        }
        String[] fields = line.substring(rest).strip().split("\\s+");
        if (fields.length < 1 || fields[0].isEmpty()) {
            throw new IllegalArgumentException("no value in Prometheus sample line: " + line);
        }
        return new Sample(name, labels, number(fields[0], line));
    }

    /** Reads {@code key="value",...}} from {@code from}; returns the index after the closing brace. */
    private static int labels(String line, int from, Map<String, String> labels) {
        int i = from;
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("bad labels in Prometheus sample line: " + line);
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            if (j >= line.length()) {
                throw new IllegalArgumentException("unterminated label value in Prometheus sample line: " + line);
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        if (i >= line.length()) {
            throw new IllegalArgumentException("unterminated labels in Prometheus sample line: " + line);
        }
        return i + 1;
    }

    private static double number(String text, String line) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value '" + text + "' in Prometheus sample line: " + line, e);
                }
        }
    }

    @Override
    public String toString() {
        return samples.size() + " samples";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrometheusText other && samples.equals(other.samples);
    }

    @Override
    public int hashCode() {
        return Objects.hash(samples);
    }
}
