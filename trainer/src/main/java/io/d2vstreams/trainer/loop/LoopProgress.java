package io.d2vstreams.trainer.loop;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.gate.HeldOutLossCheck;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One loop's figures for {@link TrainerWorker#progress}: written by the loop's thread alone (so a
 * volatile field suffices, also for the counters it adds to), read by any.
 */
final class LoopProgress {

    private final Modality kind;
    private final List<TrainerWorker.Decision> decisions = new CopyOnWriteArrayList<>();

    volatile int baseVersion;
    volatile long completedSteps;
    volatile long samplesRead;
    volatile long samplesTrained;
    volatile long samplesUnusable;
    volatile long samplesSetAside;
    volatile int heldOutCount;
    volatile double lastLoss = Double.NaN;
    volatile int replayCount;
    volatile int freshCount;
    private volatile double heldOutLoss = Double.NaN;
    private volatile long heldOutLossStep = -1;

    LoopProgress(Modality kind) {
        this.kind = kind;
    }

    TrainerWorker.Progress snapshot(boolean running) {
        return new TrainerWorker.Progress(kind, running, baseVersion, completedSteps, samplesRead, samplesTrained,
                heldOutCount, lastLoss, decisions, samplesSetAside + samplesUnusable, replayCount, freshCount,
                heldOutLoss, heldOutLossStep);
    }

    void heldOutLoss(double loss, long step) {
        heldOutLoss = loss;
        heldOutLossStep = step;
    }

    /** Keeps a verdict of the gate, and the held-out loss it measured the student's export at. */
    void decided(TrainerWorker.Decision decision) {
        decisions.add(decision);
        Double candidateLoss = decision.metrics().get(HeldOutLossCheck.CANDIDATE_METRIC);
        if (candidateLoss != null) {
            // The gate just measured the student (the candidate is its export) on the held-out set.
            heldOutLoss(candidateLoss, decision.step());
        }
    }
}
