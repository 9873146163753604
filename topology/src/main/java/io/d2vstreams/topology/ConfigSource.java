package io.d2vstreams.topology;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a process's settings come from: a properties file, then {@code D2V_*} environment
 * variables on top. {@code D2V_TEXT_BATCH_MAX_SIZE=64} overrides {@code text.batch.max.size};
 * {@code D2V_SASL_JAAS_CONFIG} sets Kafka's {@code sasl.jaas.config}. The result is raw strings;
 * typing and validation happen once, in the config class that consumes them.
 */
public final class ConfigSource {
    public static final String ENV_PREFIX = "D2V_";

    private ConfigSource() {
    }

    /** Reads {@code file} (if not null) and overlays the {@code D2V_*} variables of {@code env}. */
    public static Map<String, String> load(Path file, Map<String, String> env) {
        Map<String, String> settings = new TreeMap<>();
        if (file != null) {
            settings.putAll(readProperties(file));
        }
        settings.putAll(fromEnvironment(env));
        return settings;
    }

    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> settings = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                settings.put(keyOf(name), value);
            }
        });
        return settings;
    }

    /** {@code D2V_TEXT_BATCH_MAX_SIZE} → {@code text.batch.max.size}. */
    static String keyOf(String environmentVariable) {
        return environmentVariable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name).trim()));
        return settings;
    }
}
