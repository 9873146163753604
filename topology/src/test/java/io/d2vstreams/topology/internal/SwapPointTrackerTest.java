package io.d2vstreams.topology.internal;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Swap points of one task")
class SwapPointTrackerTest {

    @Test
    @DisplayName("a task without state gives its first batch a swap point at the batch's first offset")
    void firstBatchOfAFreshTask() {
        SwapPointTracker swaps = new SwapPointTracker(2, OptionalInt.empty(), OptionalLong.empty());
        swaps.seen(0);
        swaps.seen(1);
        assertThat(swaps.embedded(1, 0)).as("first version").contains(new SwapPoint(2, 1, 0));
        assertThat(swaps.embedded(1, 2)).as("same version again").isEmpty();
    }

    @Test
    @DisplayName("a batch of another version gives a swap point at its own first offset, a rollback too")
    void versionChangeBetweenBatches() {
        SwapPointTracker swaps = new SwapPointTracker(0, OptionalInt.of(1), OptionalLong.of(9));
        assertThat(swaps.embedded(1, 10)).isEmpty();
        assertThat(swaps.embedded(2, 14)).contains(new SwapPoint(0, 2, 14));
        assertThat(swaps.embedded(2, 20)).isEmpty();
        assertThat(swaps.embedded(1, 25)).as("rolled back").contains(new SwapPoint(0, 1, 25));
        assertThat(swaps.version()).hasValue(1);
    }

    @Test
    @DisplayName("an idle task places the swap point after the last offset it has seen, dead-lettered ones included")
    void idleSwap() {
        SwapPointTracker swaps = new SwapPointTracker(1, OptionalInt.of(1), OptionalLong.of(41));
        swaps.seen(42);
        assertThat(swaps.idle(1)).as("serving version unchanged").isEmpty();
        assertThat(swaps.idle(3)).contains(new SwapPoint(1, 3, 43));
        assertThat(swaps.idle(3)).as("once").isEmpty();
    }

    @Test
    @DisplayName("an idle task that has seen nothing places its swap point at offset 0")
    void idleOnEmptyPartition() {
        SwapPointTracker swaps = new SwapPointTracker(0, OptionalInt.empty(), OptionalLong.empty());
        assertThat(swaps.idle(1)).contains(new SwapPoint(0, 1, 0));
    }

    @Test
    @DisplayName("state restored after a restart gives no second swap point for the same version")
    void restoredState() {
        SwapPointTracker swaps = new SwapPointTracker(0, OptionalInt.of(2), OptionalLong.of(99));
        assertThat(swaps.embedded(2, 100)).isEmpty();
        assertThat(swaps.idle(2)).isEmpty();
        swaps.seen(50);
        assertThat(swaps.lastSeenOffset()).as("never moves back").hasValue(99);
    }
}
