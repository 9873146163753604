package io.d2vstreams.cli.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The open-loop pacer and the percentiles of the pipeline bench")
class OpenLoopPacerTest {
    /** A clock that only moves when the pacer sleeps, or when the test says so. */
    private static final class FakeTime {
        long now = 1_000;
        final List<Long> sleeps = new ArrayList<>();

        void sleep(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }

    @Test
    @DisplayName("schedules record i at start + i / rate and sleeps until each one is due")
    void pacesAtTheRate() {
        FakeTime time = new FakeTime();
        OpenLoopPacer pacer = new OpenLoopPacer(250, () -> time.now, time::sleep);

        assertThat(pacer.dueNanos(0)).isEqualTo(1_000);
        assertThat(pacer.dueNanos(250)).as("one second later").isEqualTo(1_000 + 1_000_000_000L);
        assertThat(pacer.awaitDue(0)).as("record 0 is due at once").isZero();
        assertThat(pacer.awaitDue(1)).isZero();
        assertThat(time.now).as("4 ms per record at 250/s").isEqualTo(1_000 + 4_000_000L);
        assertThat(pacer.awaitDue(3)).isZero();
        assertThat(time.now).isEqualTo(1_000 + 12_000_000L);
    }

    @Test
    @DisplayName("does not shift the schedule after a stall: overdue records go at once and say how late they are")
    void keepsTheScheduleAfterAStall() {
        FakeTime time = new FakeTime();
        OpenLoopPacer pacer = new OpenLoopPacer(1000, () -> time.now, time::sleep);
        time.now += 10_500_000L; // the sender stalled for 10.5 ms

        assertThat(pacer.awaitDue(5)).as("record 5 was due at 5 ms").isEqualTo(5_500_000L);
        assertThat(time.sleeps).as("no sleep for overdue records").isEmpty();
        assertThat(pacer.awaitDue(11)).as("record 11 is due at 11 ms: it waits 0.5 ms").isZero();
        assertThat(time.sleeps).containsExactly(500_000L);
    }

    @Test
    @DisplayName("refuses a rate that is not positive")
    void refusesBadRates() {
        assertThatThrownBy(() -> OpenLoopPacer.realTime(0)).hasMessageContaining("rate must be positive");
    }

    @Test
    @DisplayName("takes nearest-rank percentiles: p50, p99 and p99.9 of 1..1000 are 500, 990 and 999")
    void percentiles() {
        long[] values = new long[1000];
        for (int i = 0; i < values.length; i++) {
            values[values.length - 1 - i] = i + 1; // unsorted on purpose
        }
        Percentiles p = new Percentiles(values);
        assertThat(p.at(0.50)).isEqualTo(500);
        assertThat(p.at(0.99)).isEqualTo(990);
        assertThat(p.at(0.999)).isEqualTo(999);
        assertThat(p.at(1.0)).isEqualTo(1000);
        assertThat(new Percentiles(new long[]{7}).at(0.999)).isEqualTo(7);
    }
}
