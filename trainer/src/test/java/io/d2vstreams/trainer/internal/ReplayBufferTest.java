package io.d2vstreams.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ReplayBuffer: fresh samples, bounded replay, resume offsets")
class ReplayBufferTest {

    private final SplittableRandom random = new SplittableRandom(1);

    @Test
    @DisplayName("the first batches are all fresh; later ones take half fresh, half replayed")
    void mixesFreshAndReplayed() {
        ReplayBuffer<String> buffer = new ReplayBuffer<>(100, 0.5);
        for (int i = 0; i < 7; i++) {
            buffer.add(sample(i, 0, i));
        }
        assertThat(buffer.next(8, random)).as("7 fresh samples and nothing to replay: not enough for 8").isEmpty();
        buffer.add(sample(7, 0, 7));
        ReplayBuffer.Batch<String> first = buffer.next(8, random).orElseThrow();
        assertThat(first.fresh()).as("the first batch is all fresh").isEqualTo(8);
        assertThat(first.inputs()).as("in arrival order").containsExactly("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7");
        assertThat(buffer.replayCount()).isEqualTo(8);

        for (int i = 8; i < 11; i++) {
            buffer.add(sample(i, 0, i));
        }
        assertThat(buffer.next(8, random)).as("3 fresh < the 4 a batch needs").isEmpty();
        buffer.add(sample(11, 0, 11));
        ReplayBuffer.Batch<String> second = buffer.next(8, random).orElseThrow();
        assertThat(second.fresh()).as("half the batch fresh").isEqualTo(4);
        assertThat(second.inputs().subList(0, 4)).containsExactly("t8", "t9", "t10", "t11");
        assertThat(second.inputs().subList(4, 8)).as("the rest replayed from what was trained before")
                .allSatisfy(t -> assertThat(List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7")).contains(t));
    }

    @Test
    @DisplayName("keeps at most capacity samples for replay, evicting the oldest, and says full when the backlog reaches it")
    void bounded() {
        ReplayBuffer<String> buffer = new ReplayBuffer<>(10, 1.0);
        for (int i = 0; i < 10; i++) {
            buffer.add(sample(i, 0, i));
        }
        assertThat(buffer.isFull()).as("10 fresh of capacity 10").isTrue();
        for (int i = 10; i < 30; i++) {
            buffer.add(sample(i, 0, i));
        }
        while (buffer.next(5, random).isPresent()) {
            assertThat(buffer.replayCount()).as("replay bounded").isLessThanOrEqualTo(10);
        }
        assertThat(buffer.freshCount()).as("every fresh sample trained").isZero();
        assertThat(buffer.isFull()).isFalse();
        // With fraction 1.0 replay is never drawn; with 0.5 the draws come only from the newest 10.
        ReplayBuffer<String> mixed = new ReplayBuffer<>(10, 0.5);
        for (int i = 0; i < 30; i++) {
            mixed.add(sample(i, 0, i));
            mixed.next(2, random);
        }
        Set<String> replayed = new HashSet<>();
        for (int i = 30; i < 130; i++) {
            mixed.add(sample(i, 0, i));
            mixed.next(2, random).ifPresent(b -> replayed.add(b.inputs().get(1)));
        }
        assertThat(replayed).as("replayed texts come from the newest samples only").noneMatch(t -> t.equals("t0"));
    }

    @Test
    @DisplayName("resumes each partition at its oldest untrained sample, or at the position when all were trained")
    void resumeOffsets() {
        ReplayBuffer<String> buffer = new ReplayBuffer<>(100, 1.0);
        buffer.add(sample(0, 0, 40));
        buffer.add(sample(1, 1, 7));
        buffer.add(sample(2, 0, 41));
        buffer.add(sample(3, 1, 8));
        buffer.next(2, random); // trains partition 0 @40 and partition 1 @7
        assertThat(buffer.resumeOffsets(Map.of(0, 42L, 1, 9L, 2, 5L)))
                .as("oldest fresh per partition, else the position")
                .containsExactlyInAnyOrderEntriesOf(Map.of(0, 41L, 1, 8L, 2, 5L));
        buffer.dropFresh(0);
        assertThat(buffer.resumeOffset(0, 42L)).as("after dropping a revoked partition's samples").isEqualTo(42L);
        assertThat(buffer.freshCount()).isEqualTo(1);
    }

    private static ReplayBuffer.Sample<String> sample(int i, int partition, long offset) {
        return new ReplayBuffer.Sample<>("id" + i, "t" + i, partition, offset);
    }
}
