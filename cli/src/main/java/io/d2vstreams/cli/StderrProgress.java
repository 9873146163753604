package io.d2vstreams.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr (stdout stays clean for results and --json), drawn only once there
 * is progress to show, so work that fails early leaves no empty bar behind.
 */
final class StderrProgress implements AutoCloseable {
    private final String task;
    private ProgressBar bar;

    StderrProgress(String task) {
        this.task = task;
    }

    void update(long done, long total) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250).build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
