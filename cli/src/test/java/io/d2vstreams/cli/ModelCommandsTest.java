package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@DisplayName("The models, embed and bench commands")
class ModelCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = D2v.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private String store() {
        return tmp.resolve("models").toString();
    }

    private List<String> stdoutLines() {
        return Arrays.stream(out.toString().split("\\R")).filter(l -> !l.isBlank()).toList();
    }

    @Test
    @DisplayName("each command answers --help with its usage")
    void help() {
        for (String command : List.of("models", "models list", "models init", "models import", "models promote",
                "models rollback", "trainer", "embed", "bench", "bench trainer", "bench probe",
                "bench encoder")) {
            StringWriter fresh = new StringWriter();
            CommandLine commandLine = D2v.commandLine();
            commandLine.setOut(new PrintWriter(fresh, true));
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            assertThat(commandLine.execute(args.toArray(String[]::new))).as(command + " --help exit code").isZero();
            assertThat(fresh.toString()).as(command + " --help text").contains("Usage: d2v " + command);
        }
    }

    @Test
    @DisplayName("a bad modality exits non-zero with one clear line naming the accepted values")
    void badModality() {
        assertThat(run("embed", "--modality", "video", "hello")).as("exit code").isNotZero();
        assertThat(err.toString().trim()).as("stderr")
                .contains("'video' is not a modality; expected one of text, image, audio")
                .doesNotContain("\n").doesNotContain("Usage:");
    }

    @Test
    @DisplayName("models init --size names the accepted sizes when given another")
    void badSize() {
        assertThat(run("models", "init", "--modality", "text", "--size", "huge", "--store", store())).as("exit code").isNotZero();
        assertThat(err.toString().trim()).as("stderr").contains("'huge' is not a model size; expected one of tiny, base")
                .doesNotContain("\n");
    }

    @Test
    @DisplayName("a parent command without a sub-command says which ones exist")
    void missingSubcommand() {
        assertThat(run("models")).as("exit code").isEqualTo(2);
        assertThat(err.toString()).as("stderr").contains("missing a sub-command: list, init, import, promote, rollback or backfill");
    }

    @Test
    @DisplayName("models init makes a version that models list --json shows with its dim and digest")
    void initThenList() throws Exception {
        assertThat(run("models", "init", "--modality", "text", "--store", store())).as("init exit code").isZero();
        assertThat(out.toString()).as("init output").contains("text v1 data2vec-text-tiny (dim 64");
        out.getBuffer().setLength(0);

        assertThat(run("models", "list", "--json", "--store", store())).as("list exit code").isZero();
        JsonNode listing = JSON.readTree(stdoutLines().get(stdoutLines().size() - 1));
        assertThat(listing.path("text")).as("text versions").hasSize(1);
        JsonNode v1 = listing.path("text").get(0);
        assertThat(v1.path("version").asInt()).as("version").isEqualTo(1);
        assertThat(v1.path("dim").asInt()).as("dim").isEqualTo(64);
        assertThat(v1.path("digest").asText()).as("digest").hasSize(64);
        assertThat(v1.path("created").asText()).as("created").isNotBlank();
        assertThat(listing.path("image")).as("image versions").isEmpty();
    }

    @Test
    @DisplayName("embed --json on two texts prints two lines of unit-norm vectors of the model's dim, initialising an empty store")
    void embedJson() throws Exception {
        assertThat(run("embed", "--modality", "text", "--store", store(), "--threads", "1", "--json",
                "data2vec streams", "a second, longer text about Kafka")).as("exit code").isZero();
        List<String> lines = stdoutLines();
        assertThat(lines).as("one line per input").hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertThat(line.path("model_version").asInt()).as("model_version").isEqualTo(1);
            JsonNode vector = line.path("vector");
            assertThat(vector).as("vector length").hasSize(64);
            double norm = 0;
            for (JsonNode x : vector) {
                norm += x.asDouble() * x.asDouble();
            }
            assertThat(Math.sqrt(norm)).as("L2 norm of line " + i).isCloseTo(1.0, within(1e-4));
        }
        assertThat(JSON.readTree(lines.get(0)).path("input").asText()).as("input echoed").isEqualTo("data2vec streams");
        assertThat(err.toString()).as("stderr notice").contains("initialised the seeded default data2vec-text-tiny v1");
    }

    @Test
    @DisplayName("embed --model serves a version folder copied out of its store")
    void embedFromVersionFolder() {
        assertThat(run("models", "init", "--modality", "text", "--store", store())).isZero();
        out.getBuffer().setLength(0);
        Path version = tmp.resolve("models").resolve("text").resolve("v1");
        assertThat(run("embed", "--modality", "text", "--model", version.toString(), "--threads", "1", "hi"))
                .as("exit code").isZero();
        assertThat(stdoutLines()).as("one vector").hasSize(1);
        assertThat(stdoutLines().get(0).split(" ")).as("64 components").hasSize(64);
    }

    @Test
    @DisplayName("bench encoder --json ends with one JSON object of positive figures")
    void benchJson() throws Exception {
        assertThat(run("bench", "encoder", "--modality", "text", "--records", "64", "--batch", "16", "--threads", "1",
                "--gemm-size", "256", "--store", store(), "--json")).as("exit code").isZero();
        List<String> lines = stdoutLines();
        JsonNode result = JSON.readTree(lines.get(lines.size() - 1));
        for (String field : List.of("encoder_rps", "latency_p50_ms", "latency_p99_ms", "gflops", "gemm_peak_gflops",
                "compute_efficiency", "padding_efficiency")) {
            assertThat(result.path(field).asDouble()).as(field).isPositive();
        }
        assertThat(result.path("batch").asInt()).as("batch").isEqualTo(16);
        assertThat(result.path("threads").asInt()).as("threads").isEqualTo(1);
        assertThat(result.path("device").asText()).as("device").isEqualTo("CPU");
        assertThat(result.path("model").asText()).as("model").isEqualTo("data2vec-text-tiny");
        assertThat(out.toString()).as("readable table").contains("compute efficiency").contains("padding efficiency");
    }

    @Test
    @DisplayName("models import of a folder without a checkpoint fails with one line saying what is missing")
    void importRefused() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-a-checkpoint"));
        assertThat(run("models", "import", empty.toString(), "--store", store())).as("exit code").isEqualTo(1);
        assertThat(err.toString().trim()).as("stderr").contains("has no config.json").doesNotContain("\n");
    }

    @Test
    @DisplayName("embed of an input file that does not exist is refused with one line naming it")
    void missingInputFile() {
        assertThat(run("embed", "--modality", "image", "--store", store(), "no-such-cat.png")).as("exit code").isEqualTo(1);
        assertThat(err.toString().trim().lines().reduce((a, b) -> b).orElse("")).as("last stderr line")
                .contains("cannot read input file no-such-cat.png");
    }

    @Test
    @DisplayName("embed --modality image --json embeds a PNG file with the seeded vision default")
    void embedImage() throws Exception {
        BufferedImage image = new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 4, 0xFF8800);
        Path png = tmp.resolve("dot.png");
        ImageIO.write(image, "png", png.toFile());

        assertThat(run("embed", "--modality", "image", "--store", store(), "--threads", "1", "--json", png.toString()))
                .as("exit code").isZero();
        JsonNode line = JSON.readTree(stdoutLines().get(0));
        assertThat(line.path("input").asText()).as("input is the path").isEqualTo(png.toString());
        assertThat(line.path("vector").size()).as("dim").isEqualTo(64);
    }
}
