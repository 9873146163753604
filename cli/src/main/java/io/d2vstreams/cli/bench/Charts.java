package io.d2vstreams.cli.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What every bench picture shares: one look (white, gridded, legend inside) and PNG output. */
final class Charts {
    private Charts() {
    }

    static void style(AxesChartStyler styler) {
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        styler.setPlotGridLinesVisible(true);
    }

    /** Writes the charts side by side, one row, as a PNG at exactly {@code png}. */
    static void savePng(List<? extends Chart<?, ?>> charts, Path png) throws IOException {
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), withoutPngSuffix(png).toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** XChart appends ".png" itself, so a name that has it already would end in ".png.png". */
    private static Path withoutPngSuffix(Path png) {
        String name = png.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".png")
                ? png.resolveSibling(name.substring(0, name.length() - 4)) : png;
    }
}
