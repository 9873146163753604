package io.d2vstreams.trainer.loop;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a loop exports: after {@code trainer.export.interval.steps} steps or
 * {@code trainer.export.interval.seconds} (unless 0), whichever comes first, and only once the
 * held-out set is as large as the gate needs; till then the export is postponed, said once.
 */
final class ExportSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(ExportSchedule.class);

    private final Modality kind;
    private final int everySteps;
    private final Duration every;
    private final int heldOutMin;
    private long lastExportStep;
    // From the loop's creation: the first export by time counts the start-up too.
    private long lastExportNanos = System.nanoTime();
    private boolean postponedLogged;

    ExportSchedule(Modality kind, TrainerWorkerConfig config) {
        this.kind = kind;
        this.everySteps = config.exportIntervalSteps();
        this.every = config.exportInterval();
        this.heldOutMin = config.gateHeldOutMin();
    }

    /** The step of the last export, as a checkpoint keeps it. */
    long lastExportStep() {
        return lastExportStep;
    }

    void resumedAt(long exportStep) {
        lastExportStep = exportStep;
    }

    void exported(long step, long atNanos) {
        lastExportStep = step;
        lastExportNanos = atNanos;
    }

    boolean due(long completedSteps, int heldOut) {
        long since = completedSteps - lastExportStep;
        boolean byTime = !every.isZero() && System.nanoTime() - lastExportNanos >= every.toNanos();
        if (since <= 0 || !(since >= everySteps || byTime)) {
            return false;
        }
        if (heldOut < heldOutMin) {
            if (!postponedLogged) {
                LOG.info("event=export_postponed modality={} step={} reason=\"{} of {} held-out samples needed by the"
                        + " gate\"", kind, completedSteps, heldOut, heldOutMin);
                postponedLogged = true;
            }
            return false;
        }
        postponedLogged = false;
        return true;
    }
}
