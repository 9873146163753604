package io.d2vstreams.cli;

import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.trainer.TrainerWorkerConfig;
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

/**
 * The README's configuration tables are the reference operators read: each documents exactly
 * the keys its process defines, each with the default the code uses.
 */
@DisplayName("The README's configuration tables")
class ReadmeConfigTablesTest {
    private static final Path README = DeploymentFilesTest.ROOT.resolve("README.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.]+)` \\| ([^|]+) \\|");

    @Test
    @DisplayName("\"Configuration\" documents every PipelineConfig key with its real default, and no other")
    void pipeline() throws IOException {
        assertMatches(documentedDefaults("## Configuration"), PipelineConfig.DEFINITION);
    }

    @Test
    @DisplayName("\"The trainer\" documents every TrainerWorkerConfig key with its real default, and no other")
    void trainer() throws IOException {
        assertMatches(documentedDefaults("## The trainer"), TrainerWorkerConfig.DEFINITION);
    }

    @Test
    @DisplayName("\"Security\" documents registry client keys that RegistryClientConfig defines, with their real defaults")
    void registryClient() throws IOException {
        Map<String, String> documented = documentedDefaults("## Security");
        Map<String, ConfigDef.ConfigKey> keys = RegistryClientConfig.configDef().configKeys();
        assertThat(documented).as("registry client keys in the Security table").isNotEmpty();
        assertThat(keys.keySet()).as("keys RegistryClientConfig defines").containsAll(documented.keySet());
        documented.forEach((key, shown) -> assertThat(shown).as("default of %s", key)
                .isEqualTo(render(keys.get(key).defaultValue)));
    }

    private static void assertMatches(Map<String, String> documented, ConfigDef definition) {
        Map<String, ConfigDef.ConfigKey> keys = definition.configKeys();
        assertThat(documented.keySet()).as("the table documents exactly the defined keys")
                .containsExactlyInAnyOrderElementsOf(keys.keySet());
        documented.forEach((key, shown) -> assertThat(shown).as("default of %s", key)
                .isEqualTo(render(keys.get(key).defaultValue)));
    }

    /** key → default cell of the first table under {@code heading}. */
    private static Map<String, String> documentedDefaults(String heading) throws IOException {
        List<String> lines = Files.readAllLines(README);
        int start = lines.indexOf(heading);
        assertThat(start).as("README has a section %s", heading).isGreaterThanOrEqualTo(0);
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
        if (defaultValue == null) {
            return "(unset)";
        }
        return "`" + defaultValue + "`";
    }
}
