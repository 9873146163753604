package io.d2vstreams.cli.bench;

import io.d2vstreams.trainer.bench.LinearProbeBench;
import io.d2vstreams.trainer.bench.TrainerBench;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Pictures of learning, drawn with XChart: the held-out data2vec loss over training steps
 * ({@code d2v bench trainer --plot}) and the linear probe's accuracy before and after training,
 * one pair of bars per seed ({@code d2v bench probe --plot}).
 */
public final class LearningPlots {
    public static final int CHART_WIDTH = 640;
    public static final int CHART_HEIGHT = 420;

    private LearningPlots() {
    }

    /** One probe run: the seed it trained with and what it measured. */
    public record SeededProbe(long seed, LinearProbeBench.Result result) {}

    /** The held-out loss curve as a PNG of {@code CHART_WIDTH x CHART_HEIGHT} pixels. */
    public static void writeLossCurve(List<TrainerBench.LossPoint> heldOut, String title, Path png) throws IOException {
        if (heldOut.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: no held-out loss was measured (fewer steps than --eval-every?)");
        }
        XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(title)
                .xAxisTitle("training step").yAxisTitle("held-out data2vec loss").build();
        Charts.style(chart.getStyler());
        chart.addSeries("held-out loss", heldOut.stream().mapToDouble(TrainerBench.LossPoint::step).toArray(),
                heldOut.stream().mapToDouble(TrainerBench.LossPoint::heldOutLoss).toArray()).setMarker(SeriesMarkers.CIRCLE);
        Charts.savePng(List.of(chart), png);
    }

    /** Probe accuracy of the seeded and the trained encoder per seed, as a PNG of {@code CHART_WIDTH x CHART_HEIGHT}. */
    public static void writeProbeAccuracies(List<SeededProbe> runs, String title, Path png) throws IOException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: no probe run");
        }
        CategoryChart chart = new CategoryChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(title)
                .xAxisTitle("trainer seed").yAxisTitle("linear probe test accuracy").build();
        Charts.style(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        // Inside, the legend would cover the bars of the last seed, which reach towards 1.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        List<String> seeds = runs.stream().map(run -> "seed " + run.seed()).toList();
        chart.addSeries("seeded encoder", seeds, runs.stream().map(run -> (Number) run.result().probeAccuracyInitial()).toList());
        chart.addSeries("after data2vec training", seeds,
                runs.stream().map(run -> (Number) run.result().probeAccuracyTrained()).toList());
        Charts.savePng(List.of(chart), png);
    }
}
