package io.d2vstreams.cli.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Paces an open-loop load: record {@code i} is due at {@code start + i / rate}, whatever happened
 * to the records before it. A sender that falls behind sends late records at once rather than
 * shifting the schedule, and latency is measured from the due time, not the actual send, so a
 * stall is charged to every record it delays (no "coordinated omission").
 */
final class OpenLoopPacer {
    /** Parks the calling thread for the given nanoseconds (replaced in tests). */
    interface Sleeper {
        void sleep(long nanos);
    }

    private final double ratePerSecond;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final long startNanos;

    OpenLoopPacer(double ratePerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, not " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.startNanos = nanoClock.getAsLong();
    }

    static OpenLoopPacer realTime(double ratePerSecond) {
        return new OpenLoopPacer(ratePerSecond, System::nanoTime, LockSupport::parkNanos);
    }

    /** When record {@code i} is due, on the pacer's nano clock. */
    long dueNanos(long i) {
        return startNanos + Math.round(i * 1e9 / ratePerSecond);
    }

    /** Returns once record {@code i} is due (at once if it is overdue); returns how late it is, in nanoseconds. */
    long awaitDue(long i) {
        long due = dueNanos(i);
        for (long now = nanoClock.getAsLong(); now < due; now = nanoClock.getAsLong()) {
            sleeper.sleep(due - now);
        }
        return nanoClock.getAsLong() - due;
    }
}
