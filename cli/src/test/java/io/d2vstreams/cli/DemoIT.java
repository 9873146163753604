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
    @DisplayName("embeds every good text, image and audio event, dead-letters the bad ones by reason and prints the JSON summary last")
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

        JsonNode image = json.path("image");
        assertThat(image.path("embedded").asInt()).as("good generated images embedded").isEqualTo(40);
        assertThat(image.path("dlq").asInt()).as("bad images dead-lettered").isEqualTo(4);
        assertThat(image.path("dlq_reasons").path("IMAGE_CORRUPT").asInt()).as("corrupt PNG").isEqualTo(1);
        assertThat(image.path("dlq_reasons").path("IMAGE_TOO_MANY_PIXELS").asInt()).as("10^10-pixel header").isEqualTo(1);
        assertThat(image.path("dlq_reasons").path("MISSING_CONTENT").asInt()).as("empty content").isEqualTo(1);
        assertThat(image.path("dlq_reasons").path("URI_NOT_ALLOWED").asInt()).as("URI outside the allow-list").isEqualTo(1);
        assertThat(image.path("model_versions").get(0).asInt()).as("image model version").isEqualTo(1);

        JsonNode audio = json.path("audio");
        assertThat(audio.path("embedded").asInt()).as("good generated clips embedded").isEqualTo(40);
        assertThat(audio.path("dlq").asInt()).as("bad clips dead-lettered").isEqualTo(3);
        assertThat(audio.path("dlq_reasons").path("AUDIO_TOO_LONG").asInt()).as("31 s clip").isEqualTo(1);
        assertThat(audio.path("dlq_reasons").path("UNSUPPORTED_FORMAT").asInt()).as("not audio").isEqualTo(1);
        assertThat(audio.path("dlq_reasons").path("MISSING_CONTENT").asInt()).as("no content").isEqualTo(1);
        assertThat(audio.path("model_versions").get(0).asInt()).as("audio model version").isEqualTo(1);
    }
}
