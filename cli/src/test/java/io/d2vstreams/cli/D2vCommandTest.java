package io.d2vstreams.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The d2v command line")
class D2vCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = D2v.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    @DisplayName("lists its commands under --help and exits 0")
    void help() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("demo").contains("up");
    }

    @Test
    @DisplayName("each command answers --help")
    void subcommandHelp() {
        for (String command : new String[]{"demo", "up", "pipeline", "trainer", "produce", "tail", "status", "models", "embed", "bench"}) {
            StringWriter fresh = new StringWriter();
            CommandLine commandLine = D2v.commandLine();
            commandLine.setOut(new PrintWriter(fresh, true));
            assertThat(commandLine.execute(command, "--help")).as(command + " --help").isZero();
            assertThat(fresh.toString()).as(command + " --help text").contains("Usage: d2v " + command);
        }
    }

    @Test
    @DisplayName("every --help text that lists modalities (it names image or audio) names all three: text, image and audio")
    void helpNamesEveryModality() {
        Map<String, String> helps = new TreeMap<>();
        collectHelp(D2v.commandLine(), helps);
        assertThat(helps).as("commands whose help was read").containsKeys("d2v trainer", "d2v demo", "d2v up",
                "d2v models import", "d2v bench pipeline");
        Pattern anyModality = Pattern.compile("(?i)\\b(image|audio)");
        Map<String, String> incomplete = new TreeMap<>();
        helps.forEach((command, help) -> {
            String lower = help.toLowerCase(Locale.ROOT);
            boolean all = lower.matches("(?s).*\\btext.*") && lower.matches("(?s).*\\bimage.*")
                    && lower.matches("(?s).*\\baudio.*");
            if (anyModality.matcher(help).find() && !all) {
                incomplete.put(command, help);
            }
        });
        assertThat(incomplete).as("help texts that name some modalities but not text, image and audio").isEmpty();
        assertThat(helps.get("d2v trainer")).as("what the trainer trains by default")
                .contains("text, image and audio by default").doesNotContain("TEXT by default");
        assertThat(helps.get("d2v demo")).as("what the demo refreshes")
                .contains("until the pipeline serves a trained version of each");
    }

    /**
     * The usage help of {@code commandLine} and of every sub-command under it, by qualified name, with
     * runs of white space as one space (picocli wraps lines at its usage width).
     */
    private static void collectHelp(CommandLine commandLine, Map<String, String> helps) {
        helps.put(commandLine.getCommandSpec().qualifiedName(),
                commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " "));
        commandLine.getSubcommands().values().forEach(sub -> collectHelp(sub, helps));
    }

    @Test
    @DisplayName("rejects an unknown command with a non-zero exit and a message")
    void unknownCommand() {
        assertThat(run("frobnicate")).isNotZero();
        assertThat(err.toString()).contains("frobnicate");
    }

    @Test
    @DisplayName("pipeline with a missing config file: one line naming the file, exit 1, no stack trace")
    void pipelineMissingConfig() {
        assertThat(run("pipeline", "--config", "/nonexistent/pipeline.properties")).isEqualTo(1);
        assertThat(err.toString()).contains("config file not found").contains("/nonexistent/pipeline.properties")
                .doesNotContain("\tat ");
    }

    @Test
    @DisplayName("refuses a record count below one with a clear one-line error")
    void badRecordCount() {
        assertThat(run("demo", "--records", "0")).isEqualTo(1);
        assertThat(err.toString()).contains("--records must be at least 1").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("d2v up --only takes broker,registry or all four parts, and says so for anything else")
    void upOnlyRefusesPartialStacks() {
        assertThat(run("up", "--only", "pipeline", "--data-dir", "/nonexistent/d2v-data")).isEqualTo(2);
        assertThat(err.toString()).contains("--only takes broker,registry").contains("d2v pipeline --config");
        assertThat(run("up", "--only", "broker,kettle")).as("an unknown part").isEqualTo(2);
    }
}
