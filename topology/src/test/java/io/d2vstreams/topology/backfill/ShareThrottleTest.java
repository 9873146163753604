package io.d2vstreams.topology.backfill;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The backfill's share throttle")
class ShareThrottleTest {

    @Test
    @DisplayName("pauses so that encoding takes the given share of the time")
    void pausesForTheRest() {
        assertThat(new ShareThrottle(0.2).pauseAfter(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(400));
        assertThat(new ShareThrottle(0.5).pauseAfter(Duration.ofMillis(30))).isEqualTo(Duration.ofMillis(30));
        Duration t = Duration.ofMillis(70);
        Duration pause = new ShareThrottle(0.25).pauseAfter(t);
        assertThat((double) t.toNanos() / (t.toNanos() + pause.toNanos())).as("busy share").isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    @DisplayName("a share of 1 never pauses, nor does a batch that took no time")
    void noPause() {
        assertThat(new ShareThrottle(1.0).pauseAfter(Duration.ofSeconds(3))).isZero();
        assertThat(new ShareThrottle(0.1).pauseAfter(Duration.ZERO)).isZero();
    }

    @Test
    @DisplayName("refuses a share outside (0, 1]")
    void refusesBadShare() {
        assertThatThrownBy(() -> new ShareThrottle(0.0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new ShareThrottle(1.5)).hasMessageContaining("1.5");
    }
}
