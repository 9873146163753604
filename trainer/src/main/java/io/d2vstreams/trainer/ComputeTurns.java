package io.d2vstreams.trainer;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Turns at the CPU for the loops of one {@link TrainerWorker}: at most
 * {@code trainer.concurrent.steps} of them compute at a time (a training step, or an export and
 * its gate), and a fair semaphore hands the turns out in the order they were asked for, so with
 * one permit the loops alternate step by step and an expensive modality (audio) advances as many
 * steps as a cheap one (text) instead of getting only an equal slice of CPU time.
 *
 * <p>Why: libtorch runs each step's operators on all of its intra-op threads (one per core by
 * default), so three loops stepping at once put three times the runnable threads on the cores:
 * every step slows by as much, and a pipeline in the same process or on the same machine
 * ({@code d2v up}, the demo) competes with all of them. Taking turns keeps the trainer's demand
 * at what one loop asks, however many modalities it trains.
 */
public final class ComputeTurns {
    private final Semaphore permits;

    /** @param concurrent how many loops may compute at once, at least 1 */
    ComputeTurns(int concurrent) {
        if (concurrent < 1) {
            throw new IllegalArgumentException("concurrent must be at least 1, was " + concurrent);
        }
        this.permits = new Semaphore(concurrent, true);
    }

    /**
     * Waits for a turn, runs {@code work}, and gives the turn back, also when it throws. The wait
     * is not interruptible: a loop is stopped through its {@code running} flag at a step
     * boundary, and a turn is held for one step at most, so the wait is bounded by the others' steps.
     */
    public <T> T take(Supplier<T> work) {
        permits.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }

    /** Loops waiting for a turn now (an estimate, as {@link Semaphore#getQueueLength()}). */
    int waiting() {
        return permits.getQueueLength();
    }
}
