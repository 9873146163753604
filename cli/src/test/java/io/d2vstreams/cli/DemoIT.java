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
    @DisplayName("embeds every good event, dead-letters the bad ones by reason, refreshes the text model by training, and prints the JSON summary last")
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
        assertThat(json.path("text").path("embedded").asInt()).as("good text events embedded, 40 before the refresh and 20 after")
                .isEqualTo(60);
        assertThat(json.path("text").path("dlq").asInt()).as("bad text events dead-lettered").isEqualTo(3);
        assertThat(json.path("text").path("dlq_reasons").path("NOT_WIRE_FORMAT").asInt()).isEqualTo(1);
        assertThat(json.path("text").path("dlq_reasons").path("UNKNOWN_SCHEMA_ID").asInt()).isEqualTo(1);
        assertThat(json.path("text").path("dlq_reasons").path("EMPTY_TEXT").asInt()).isEqualTo(1);
        JsonNode trainer = json.path("trainer");
        int refreshed = trainer.path("refreshed_to").asInt();
        assertThat(refreshed).as("the trainer's accepted version the pipeline switched to").isGreaterThan(1);
        assertThat(json.path("text").path("model_versions")).as("text embedded by the seeded v1, then by the trained version")
                .extracting(JsonNode::asInt).contains(1, refreshed);
        assertThat(trainer.path("steps").asLong()).as("data2vec steps").isGreaterThanOrEqualTo(12);
        JsonNode accepted = null;
        for (JsonNode decision : trainer.path("decisions")) {
            if (decision.path("version").asInt() == refreshed) {
                accepted = decision;
            }
        }
        assertThat(accepted).as("the gate's decision on v%d", refreshed).isNotNull();
        assertThat(accepted.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(accepted.path("heldout_loss").asDouble()).as("held-out loss no worse than the seeded version's")
                .isLessThanOrEqualTo(accepted.path("previous_heldout_loss").asDouble());

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
