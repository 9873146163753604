package io.d2vstreams.topology;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The README's configuration table")
class ReadmeConfigTableTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.]+)` \\| ([^|]+) \\|");

    @Test
    @DisplayName("documents every key of PipelineConfig.DEFINITION, each with its real default, and no other")
    void matchesDefinition() throws IOException {
        Map<String, String> documented = documentedDefaults(Path.of("..", "README.md"));
        assertThat(documented).as("rows in the configuration table").isNotEmpty();
        Map<String, ConfigDef.ConfigKey> keys = PipelineConfig.DEFINITION.configKeys();
        assertThat(documented.keySet()).as("the table documents exactly the defined keys")
                .containsExactlyInAnyOrderElementsOf(keys.keySet());
        documented.forEach((key, shown) -> assertThat(shown).as("default of %s", key)
                .isEqualTo(render(keys.get(key).defaultValue)));
        assertThat(documented.keySet()).as("the image, audio and URI keys are documented").contains(
                PipelineConfig.IMAGE_BATCH_MAX_SIZE, PipelineConfig.IMAGE_BATCH_MAX_WAIT_MS, PipelineConfig.IMAGE_MAX_BYTES,
                PipelineConfig.AUDIO_BATCH_MAX_SIZE, PipelineConfig.AUDIO_BATCH_MAX_WAIT_MS, PipelineConfig.AUDIO_MAX_BYTES,
                PipelineConfig.URI_ALLOWED_DIRS, PipelineConfig.URI_ALLOWED_HOSTS, PipelineConfig.URI_MAX_BYTES,
                PipelineConfig.URI_TIMEOUT_MS, PipelineConfig.SAMPLING_IMAGE_RATE, PipelineConfig.SAMPLING_AUDIO_RATE);
    }

    /** key → default cell of the table under "## Configuration". */
    private static Map<String, String> documentedDefaults(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        int start = lines.indexOf("## Configuration");
        assertThat(start).as("README has a Configuration section").isGreaterThanOrEqualTo(0);
        Map<String, String> rows = new TreeMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                rows.put(row.group(1), row.group(2).trim());
            }
        }
        return rows;
    }

    private static String render(Object defaultValue) {
        if (defaultValue instanceof List<?> list && list.isEmpty()) {
            return "(empty)";
        }
        return "`" + defaultValue + "`";
    }
}
