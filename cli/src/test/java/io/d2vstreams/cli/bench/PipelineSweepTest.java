package io.d2vstreams.cli.bench;

import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.bench.BenchResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("The pipeline bench's sweep and its plot")
class PipelineSweepTest {
    @TempDir
    Path dir;

    /** A run result as the bench reports it: {@code rps} records/s for {@code batch}, latencies from the rate. */
    static PipelineBenchResult result(int batch, double rps, double rate) {
        BenchResult encoder = new BenchResult("data2vec-text-tiny", 1, Modality.TEXT, 1000, Math.min(batch, 32), batch,
                Device.CPU, 2, 1, 2 * rps, 10, 20, 1, 1, 1, 1, 0.1, 10, 100, 100);
        double p99 = rate == 0 ? 2000 : 50 + rate / rps * 400;
        return new PipelineBenchResult(encoder, rate == 0 ? rps : rate, p99 / 2, p99, p99 * 1.2, rate, 1,
                "exactly_once_v2", Map.of("total", 100.0), 50, false, null);
    }

    @Test
    @DisplayName("measures each batch size's maximum first, then offers 25, 50 and 75 % of it, open-loop")
    void sweepsBatchesThenLoads() throws Exception {
        List<String> runs = new ArrayList<>();
        PipelineBench.Options template = new PipelineBench.Options(Modality.TEXT, 1000, 32, 2, 1, 5, 0,
                "exactly_once_v2", false, dir, null);

        List<PipelineSweep.BatchPoint> points = PipelineSweep.run(template, List.of(8, 64), options -> {
            runs.add(options.batch() + "@" + Math.round(options.rate()));
            return result(options.batch(), options.batch() * 10.0, options.rate());
        }, done -> { });

        assertThat(runs).as("batch@rate, in order").containsExactly("8@0", "8@20", "8@40", "8@60",
                "64@0", "64@160", "64@320", "64@480");
        assertThat(points).extracting(PipelineSweep.BatchPoint::batch).containsExactly(8, 64);
        assertThat(points.get(1).max().pipelineRps()).isEqualTo(640);
        assertThat(points.get(1).loaded()).extracting(PipelineBenchResult::offeredRate)
                .containsExactly(160.0, 320.0, 480.0);
    }

    @Test
    @DisplayName("plots throughput against batch size and p99 against load into one PNG with drawn series in both charts")
    void plotsAPng() throws Exception {
        List<PipelineSweep.BatchPoint> points = new ArrayList<>();
        for (int batch : new int[]{8, 32, 128}) {
            double max = batch * 12.0;
            points.add(new PipelineSweep.BatchPoint(batch, result(batch, max, 0),
                    PipelineSweep.LOADS.stream().map(load -> result(batch, max, load * max)).toList()));
        }
        Path png = dir.resolve("sweep.png");

        SweepPlot.write(points, "text pipeline", png);

        assertThat(Files.readAllBytes(png)).as("a PNG signature").startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(2 * SweepPlot.CHART_WIDTH);
        assertThat(image.getHeight()).isEqualTo(SweepPlot.CHART_HEIGHT);
        assertThat(PngPixels.coloured(image, 0, SweepPlot.CHART_WIDTH)).as("series drawn in the throughput chart")
                .isGreaterThan(300);
        assertThat(PngPixels.coloured(image, SweepPlot.CHART_WIDTH, 2 * SweepPlot.CHART_WIDTH))
                .as("series drawn in the latency chart").isGreaterThan(300);
    }

    @Test
    @DisplayName("the ratios it plots are the bench's own: pipeline / encoder")
    void ratioIsTheBenchs() {
        PipelineBenchResult r = result(32, 300, 0);
        assertThat(r.ratio()).isCloseTo(0.5, within(1e-9));
    }
}
