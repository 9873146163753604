package io.d2vstreams.schemas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Backoff")
class BackoffTest {

    @Test
    @DisplayName("doubles from the initial delay up to the cap, and jitters within [ceiling/2, ceiling]")
    void exponentialWithJitter() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(backoff.ceilingMs(1)).as("retry 1").isEqualTo(100);
        assertThat(backoff.ceilingMs(2)).as("retry 2").isEqualTo(200);
        assertThat(backoff.ceilingMs(4)).as("retry 4").isEqualTo(800);
        assertThat(backoff.ceilingMs(5)).as("retry 5 is capped").isEqualTo(1000);
        assertThat(backoff.ceilingMs(1_000)).as("retry 1000 neither overflows nor exceeds the cap").isEqualTo(1000);

        long smallest = Long.MAX_VALUE;
        long largest = Long.MIN_VALUE;
        for (int i = 0; i < 2_000; i++) {
            long delay = backoff.delayMs(3);
            smallest = Math.min(smallest, delay);
            largest = Math.max(largest, delay);
        }
        assertThat(smallest).as("smallest delay before retry 3").isGreaterThanOrEqualTo(200);
        assertThat(largest).as("largest delay before retry 3").isLessThanOrEqualTo(400);
        assertThat(largest - smallest).as("spread: the delay is jittered").isGreaterThan(100);
    }
}
