package io.d2vstreams.cli.bench;

import io.d2vstreams.trainer.bench.LinearProbeBench;
import io.d2vstreams.trainer.bench.TrainerBench;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The pictures of learning: held-out loss curve and probe accuracies")
class LearningPlotsTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("draws the held-out loss curve into a PNG of the chart's size, at the path given")
    void lossCurve() throws Exception {
        List<TrainerBench.LossPoint> curve = List.of(new TrainerBench.LossPoint(0, 8.0), new TrainerBench.LossPoint(50, 7.2),
                new TrainerBench.LossPoint(100, 6.1), new TrainerBench.LossPoint(150, 5.6));
        Path png = dir.resolve("loss.png");

        LearningPlots.writeLossCurve(curve, "image trainer", png);

        BufferedImage image = readPng(png);
        assertThat(PngPixels.coloured(image, 0, image.getWidth())).as("the curve drawn").isGreaterThan(200);
    }

    @Test
    @DisplayName("draws seeded and trained probe accuracy per seed as bars; higher accuracies draw more bar")
    void probeAccuracies() throws Exception {
        Path low = dir.resolve("low.png");
        Path high = dir.resolve("high.png");

        LearningPlots.writeProbeAccuracies(List.of(probe(42, 0.30, 0.35), probe(43, 0.31, 0.36)), "text probe", low);
        LearningPlots.writeProbeAccuracies(List.of(probe(42, 0.60, 0.90), probe(43, 0.61, 0.92)), "text probe", high);

        int lowBars = PngPixels.coloured(readPng(low), 0, LearningPlots.CHART_WIDTH);
        int highBars = PngPixels.coloured(readPng(high), 0, LearningPlots.CHART_WIDTH);
        assertThat(lowBars).as("bars drawn").isGreaterThan(500);
        assertThat(highBars).as("bars about twice as tall on a fixed 0..1 axis").isGreaterThan(lowBars * 3 / 2);
    }

    @Test
    @DisplayName("refuses to draw nothing, with a reason")
    void empty() {
        assertThatThrownBy(() -> LearningPlots.writeLossCurve(List.of(), "t", dir.resolve("x.png")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no held-out loss");
        assertThatThrownBy(() -> LearningPlots.writeProbeAccuracies(List.of(), "t", dir.resolve("y.png")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no probe run");
    }

    private static LearningPlots.SeededProbe probe(long seed, double before, double after) {
        return new LearningPlots.SeededProbe(seed, new LinearProbeBench.Result(before, after, 8.0, 7.0, 600, 16, 800, 400, 3,
                1, 2, 12.0));
    }

    private static BufferedImage readPng(Path png) throws Exception {
        assertThat(Files.readAllBytes(png)).as("a PNG signature at %s", png)
                .startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(LearningPlots.CHART_WIDTH);
        assertThat(image.getHeight()).isEqualTo(LearningPlots.CHART_HEIGHT);
        return image;
    }
}
