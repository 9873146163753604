package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ComputeTurns: the worker's loops compute in turns")
class ComputeTurnsTest {

    @Test
    @DisplayName("with one permit two loops never compute at the same time")
    void onePermitExcludes() throws Exception {
        ComputeTurns turns = new ComputeTurns(1);
        CyclicBarrier together = new CyclicBarrier(2);
        AtomicBoolean met = new AtomicBoolean();
        Thread other = new Thread(() -> turns.take(() -> meet(together, met)));
        other.start();
        turns.take(() -> meet(together, met));
        other.join(10_000);
        assertThat(met).as("both inside their turn at once").isFalse();
    }

    @Test
    @DisplayName("with two permits two loops do compute at the same time")
    void twoPermitsOverlap() throws Exception {
        ComputeTurns turns = new ComputeTurns(2);
        CyclicBarrier together = new CyclicBarrier(2);
        AtomicBoolean met = new AtomicBoolean();
        Thread other = new Thread(() -> turns.take(() -> meet(together, met)));
        other.start();
        turns.take(() -> meet(together, met));
        other.join(10_000);
        assertThat(met).as("both inside their turn at once").isTrue();
    }

    @Test
    @DisplayName("turns go in the order they were asked for, so a loop that asks again waits behind the others")
    void fairOrder() throws Exception {
        ComputeTurns turns = new ComputeTurns(1);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch textInside = new CountDownLatch(1);
        Thread text = new Thread(() -> {
            turns.take(() -> {
                textInside.countDown();
                order.add("text");
                awaitLatch(release);
                return null;
            });
            turns.take(() -> order.add("text")); // asks again at once, as a loop with a full backlog does
        });
        text.start();
        awaitLatch(textInside);
        Thread image = new Thread(() -> turns.take(() -> order.add("image")));
        image.start();
        await("image waits for its turn").atMost(Duration.ofSeconds(10)).until(() -> turns.waiting() == 1);
        Thread audio = new Thread(() -> turns.take(() -> order.add("audio")));
        audio.start();
        await("audio waits behind image").atMost(Duration.ofSeconds(10)).until(() -> turns.waiting() == 2);
        release.countDown();
        for (Thread t : List.of(text, image, audio)) {
            t.join(10_000);
        }
        assertThat(order).as("turns in the order asked: the cheap loop does not take two in a row")
                .containsExactly("text", "image", "audio", "text");
    }

    @Test
    @DisplayName("a turn is given back when the work throws")
    void releasedOnFailure() {
        ComputeTurns turns = new ComputeTurns(1);
        try {
            turns.take(() -> {
                throw new IllegalStateException("step failed");
            });
        } catch (IllegalStateException expected) {
            // the loop's failure path; what matters is the next turn
        }
        assertThat(turns.take(() -> "next")).as("the next loop gets its turn").isEqualTo("next");
    }

    /** Waits up to a second for the other thread to reach the barrier inside its turn. */
    private static Object meet(CyclicBarrier barrier, AtomicBoolean met) {
        try {
            barrier.await(1, TimeUnit.SECONDS);
            met.set(true);
        } catch (TimeoutException | BrokenBarrierException e) {
            barrier.reset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).as("latch released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
