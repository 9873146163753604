package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@DisplayName("d2v bench trainer and bench probe: the options that draw learning")
class BenchLearningCommandsTest {
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
    @DisplayName("bench trainer --plot trains, measures the held-out loss and draws it into the PNG it names")
    void trainerPlot() throws Exception {
        Path png = tmp.resolve("loss.png");

        int exit = run("bench", "trainer", "--steps", "4", "--eval-every", "2", "--warmup", "0", "--batch", "2",
                "--plot", png.toString());

        assertThat(exit).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString()).contains("held-out loss at step").contains("plot: " + png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG at %s", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(io.d2vstreams.cli.bench.LearningPlots.CHART_WIDTH);
    }

    @Test
    @DisplayName("bench probe --seeds 0 is refused with the reason, before any work")
    void probeSeedsZero() {
        int exit = run("bench", "probe", "--seeds", "0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--seeds must be at least 1, got 0");
    }
}
