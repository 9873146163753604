package io.d2vstreams.cli.bench;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The picture of a {@link PipelineSweep}, drawn with XChart into one PNG: on the left throughput
 * against batch size (the pipeline and the bare encoder), on the right p99 latency against load
 * (one line per batch size).
 */
public final class SweepPlot {
    public static final int CHART_WIDTH = 640;
    public static final int CHART_HEIGHT = 420;

    private SweepPlot() {
    }

    /** Writes the two charts side by side as a PNG of {@code 2 * CHART_WIDTH x CHART_HEIGHT} pixels. */
    public static void write(List<PipelineSweep.BatchPoint> points, String title, Path png) throws IOException {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: the sweep has no points");
        }
        Charts.savePng(List.of(throughput(points, title), latency(points)), png);
    }

    private static XYChart throughput(List<PipelineSweep.BatchPoint> points, String title) {
        XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(title)
                .xAxisTitle("micro-batch size").yAxisTitle("records/s").build();
        style(chart);
        chart.getStyler().setXAxisLogarithmic(points.size() > 2);
        double[] batches = points.stream().mapToDouble(PipelineSweep.BatchPoint::batch).toArray();
        chart.addSeries("pipeline (exactly once, through Kafka)", batches,
                points.stream().mapToDouble(p -> p.max().pipelineRps()).toArray()).setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("bare encoder", batches,
                points.stream().mapToDouble(p -> p.max().encoder().encoderRps()).toArray()).setMarker(SeriesMarkers.SQUARE);
        return chart;
    }

    private static XYChart latency(List<PipelineSweep.BatchPoint> points) {
        XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title("p99 latency under load")
                .xAxisTitle("offered load (share of the batch size's maximum)").yAxisTitle("p99 ms, event to readable").build();
        style(chart);
        for (PipelineSweep.BatchPoint point : points) {
            double[] loads = PipelineSweep.LOADS.stream().mapToDouble(Double::doubleValue).toArray();
            double[] p99 = point.loaded().stream().mapToDouble(PipelineBenchResult::latencyP99Ms).toArray();
            chart.addSeries("batch " + point.batch(), loads, p99).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static void style(XYChart chart) {
        Charts.style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    }
}
