package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** d2v produce and d2v tail in-process against the dev stack, as a user runs them. */
@DisplayName("d2v produce and d2v tail")
class ProduceTailIT {
    @TempDir
    static Path dir;
    static DevStack stack;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startStack() {
        stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(), "--registry", stack.registryUrl()));
        var commandLine = D2v.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(all.toArray(String[]::new));
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (line.startsWith("{")) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    @DisplayName("texts given as arguments come back from tail decoded, keyed by their ids")
    void textsRoundTrip() throws Exception {
        assertThat(run("produce", "--modality", "text", "--id-prefix", "t-", "first text", "second text")).as(err.toString()).isZero();
        out.getBuffer().setLength(0);

        assertThat(run("tail", "d2v.events.text", "--max", "2")).as(err.toString()).isZero();

        List<JsonNode> records = lines();
        assertThat(records).hasSize(2);
        assertThat(records).extracting(r -> r.path("key").asText()).containsExactly("t-0", "t-1");
        assertThat(records).extracting(r -> r.path("value").path("text").asText()).containsExactly("first text", "second text");
    }

    @Test
    @DisplayName("an image file is sent whole and shown by its size, not dumped")
    void imageFile() throws Exception {
        Path png = dir.resolve("red.png");
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xff0000);
        ImageIO.write(image, "png", png.toFile());

        assertThat(run("produce", "--modality", "image", "--id-prefix", "i-", "--file", png.toString())).as(err.toString()).isZero();
        out.getBuffer().setLength(0);
        assertThat(run("tail", "d2v.events.image", "--max", "1")).as(err.toString()).isZero();

        JsonNode value = lines().get(0).path("value");
        assertThat(value.path("id").asText()).isEqualTo("i-red.png");
        assertThat(value.path("mime").asText()).isEqualTo("image/png");
        assertThat(value.path("content").path("size").asLong()).as("content size").isEqualTo(Files.size(png));
        assertThat(value.path("content").path("truncated").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("--generate makes audio clips in the WAV format")
    void generatedAudio() throws Exception {
        assertThat(run("produce", "--modality", "audio", "--generate", "3", "--id-prefix", "a-")).as(err.toString()).isZero();
        out.getBuffer().setLength(0);
        assertThat(run("tail", "d2v.events.audio", "--max", "3")).as(err.toString()).isZero();

        List<JsonNode> records = lines();
        assertThat(records).extracting(r -> r.path("key").asText()).containsExactly("a-0", "a-1", "a-2");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.path("value").path("mime").asText()).isEqualTo("audio/wav");
            // "RIFF" in base64 begins "UklGR".
            assertThat(r.path("value").path("content").path("base64").asText()).startsWith("UklGR");
        });
    }

    @Test
    @DisplayName("a value that is not in the wire format is shown with the reason and its bytes")
    void undecodableValue() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("raw.bytes", "k", "plain text".getBytes(StandardCharsets.UTF_8))).get();
        }
        assertThat(run("tail", "raw.bytes", "--max", "1")).as(err.toString()).isZero();

        JsonNode record = lines().get(0);
        assertThat(record.path("value_error").asText()).as("the decode error").isNotBlank();
        assertThat(record.path("value_bytes").path("size").asInt()).isEqualTo(10);
    }

    @Test
    @DisplayName("bad arguments: one clear line and a non-zero exit")
    void badArguments() {
        assertThat(run("produce", "--modality", "image", "--file", dir.resolve("missing.png").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("no such file").contains("missing.png").doesNotContain("\tat ");
        assertThat(run("produce", "--modality", "text")).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to produce");
        assertThat(run("tail", "no.such.topic", "--max", "1")).isEqualTo(1);
        assertThat(err.toString()).contains("topic no.such.topic does not exist");
    }
}
