package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("d2v demo, run in-process")
class DemoIT {
    @Test
    @DisplayName("embeds every good text event, dead-letters the bad ones and prints the JSON summary last")
    void demoJson() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = D2v.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute("demo", "--records", "40", "--json");

        assertThat(exit).as("exit code; stderr: %s", err).isZero();
        String[] lines = out.toString().trim().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.path("text").path("embedded").asInt()).as("good text events embedded").isEqualTo(40);
        assertThat(json.path("text").path("dlq").asInt()).as("bad text events dead-lettered").isEqualTo(3);
        assertThat(json.path("text").path("dlq_reasons").path("NOT_WIRE_FORMAT").asInt()).isEqualTo(1);
        assertThat(json.path("text").path("dlq_reasons").path("UNKNOWN_SCHEMA_ID").asInt()).isEqualTo(1);
        assertThat(json.path("text").path("dlq_reasons").path("EMPTY_TEXT").asInt()).isEqualTo(1);
        assertThat(json.path("text").path("model_versions").get(0).asInt()).isEqualTo(1);
        assertThat(json.has("image")).isTrue();
        assertThat(json.has("audio")).isTrue();
    }
}
