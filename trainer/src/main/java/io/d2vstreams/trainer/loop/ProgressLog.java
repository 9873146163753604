package io.d2vstreams.trainer.loop;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.ComputeTurns;
import io.d2vstreams.trainer.StepResult;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code trainer_progress} line, every {@code trainer.log.interval.steps} steps, with the
 * running figures of the steps since the previous line.
 */
final class ProgressLog {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private final Modality kind;
    private final int everySteps;
    private long steps;
    private long skipped;
    private long unusable;
    private long samples;
    private double lossSum;
    private long lossCount;
    private double stepMs;
    private long waitedNanos;
    private long startedNanos = System.nanoTime();

    ProgressLog(Modality kind, int everySteps) {
        this.kind = kind;
        this.everySteps = everySteps;
    }

    /** Time a step waited for its turn ({@link ComputeTurns}) before it ran. */
    void waited(long nanos) {
        waitedNanos += nanos;
    }

    /**
     * Counts a step of {@code inputs} inputs, and logs the line when it is due.
     *
     * @param completedSteps the trainer's step count after it
     */
    void stepped(StepResult r, int inputs, long completedSteps, int freshBacklog, int replay, int heldOut) {
        steps++;
        samples += inputs;
        unusable += r.skippedInputs();
        stepMs += r.ms();
        if (r.applied()) {
            lossSum += r.loss();
            lossCount++;
        } else {
            skipped++;
        }
        if (steps >= everySteps) {
            LOG.info("event=trainer_progress modality={} step={} loss={} lr={} samples_per_s={} ms_per_step={} "
                    + "ms_waiting_for_turn={} skipped={} unusable_inputs={} fresh_backlog={} replay={} heldout={}", kind,
                    completedSteps, fmt(meanLoss()), fmt(r.lr()), fmt(samplesPerSecond()), fmt(meanStepMs()),
                    fmt(meanWaitMs()), skipped, unusable, freshBacklog, replay, heldOut);
            reset();
        }
    }

    private double meanWaitMs() {
        return steps == 0 ? Double.NaN : waitedNanos / 1e6 / steps;
    }

    private double meanLoss() {
        return lossCount == 0 ? Double.NaN : lossSum / lossCount;
    }

    private double meanStepMs() {
        return steps == 0 ? Double.NaN : stepMs / steps;
    }

    /** Samples per second of wall-clock time, polling and checkpoints included. */
    private double samplesPerSecond() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        return seconds <= 0 ? Double.NaN : samples / seconds;
    }

    private void reset() {
        steps = 0;
        skipped = 0;
        unusable = 0;
        samples = 0;
        lossSum = 0;
        lossCount = 0;
        stepMs = 0;
        waitedNanos = 0;
        startedNanos = System.nanoTime();
    }

    /** How the loop's log lines write a measurement. */
    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
