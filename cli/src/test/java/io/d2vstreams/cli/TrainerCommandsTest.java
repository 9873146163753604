package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@DisplayName("The trainer and models promote|rollback commands, without a cluster")
class TrainerCommandsTest {

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

    @Test
    @DisplayName("d2v trainer --help names --config and what the trainer does")
    void help() {
        assertThat(run("trainer", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: d2v trainer").contains("--config=FILE").contains("SIGTERM");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).as("listed under d2v --help").contains("trainer");
    }

    @Test
    @DisplayName("a bad setting in the config file fails fast with the key and the value, before any connection")
    void badConfig() throws Exception {
        Path file = tmp.resolve("trainer.properties");
        Files.writeString(file, "bootstrap.servers=localhost:1\ntrainer.batch.size=zero\n");
        assertThat(run("trainer", "--config", file.toString())).as("exit code").isEqualTo(1);
        assertThat(err.toString()).contains("trainer.batch.size").contains("zero").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("a missing config file is one clear line")
    void missingFile() {
        assertThat(run("trainer", "--config", tmp.resolve("nope.properties").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("config file not found");
    }

    @Test
    @DisplayName("promoting a version the store does not have is refused before anything is announced")
    void promoteUnknownVersion() {
        assertThat(run("models", "promote", "--modality", "text", "7", "--store", tmp.resolve("models").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("has no text v7");
    }

    @Test
    @DisplayName("promoting a tampered version exits 1 with one line naming the file, before any connection")
    void promoteTamperedVersion() throws Exception {
        Path storeDir = tmp.resolve("models");
        ModelManifest v1 = new ModelStore(storeDir).initDefault(Modality.TEXT, 1);
        Path model = v1.directory().resolve(ModelStore.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(model, bytes);
        // No broker listens on port 1: the refusal must come from the verification, not from Kafka.
        Path config = tmp.resolve("trainer.properties");
        Files.writeString(config, "bootstrap.servers=localhost:1\nschema.registry.url=http://localhost:1\n");

        int exit = run("models", "promote", "--modality", "text", "1", "--store", storeDir.toString(),
                "--config", config.toString());

        assertThat(exit).as("exit code of promoting a tampered version").isEqualTo(1);
        assertThat(err.toString().strip()).as("stderr")
                .startsWith("d2v: refused text model")
                .contains("checksum mismatch for model.onnx")
                .doesNotContain("\n").doesNotContain("\tat ");
        assertThat(out.toString()).as("stdout: nothing announced").doesNotContain("ACTIVE");
    }

    @Test
    @DisplayName("models promote --help says that it verifies the version before announcing it")
    void promoteHelp() {
        assertThat(run("models", "promote", "--help")).isZero();
        assertThat(out.toString()).as("promote --help").contains("checksum").contains("probe");
    }
}
