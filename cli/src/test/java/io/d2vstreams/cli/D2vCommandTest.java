package io.d2vstreams.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

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
        for (String command : new String[]{"demo", "up", "pipeline", "trainer", "produce", "tail", "models", "embed", "bench"}) {
            StringWriter fresh = new StringWriter();
            CommandLine commandLine = D2v.commandLine();
            commandLine.setOut(new PrintWriter(fresh, true));
            assertThat(commandLine.execute(command, "--help")).as(command + " --help").isZero();
            assertThat(fresh.toString()).as(command + " --help text").contains("Usage: d2v " + command);
        }
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
