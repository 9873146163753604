package io.d2vstreams.topology.internal;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Sampling primitives")
class SamplingPrimitivesTest {

    @Test
    @DisplayName("the id-hash sampler keeps close to its rate and always decides the same for an id")
    void idHashSampler() {
        IdHashSampler sampler = new IdHashSampler(0.3);
        long kept = IntStream.range(0, 20_000).filter(i -> sampler.keeps("event-" + i)).count();
        assertThat(kept).as("about 30 %% of 20000").isBetween(5_600L, 6_400L);
        IdHashSampler again = new IdHashSampler(0.3);
        assertThat(IntStream.range(0, 1000).allMatch(i -> sampler.keeps("e" + i) == again.keeps("e" + i)))
                .as("deterministic per id").isTrue();
        assertThat(IntStream.range(0, 1000).noneMatch(i -> new IdHashSampler(0).keeps("e" + i))).as("rate 0 keeps none").isTrue();
        assertThat(IntStream.range(0, 1000).allMatch(i -> new IdHashSampler(1).keeps("e" + i))).as("rate 1 keeps all").isTrue();
    }

    @Test
    @DisplayName("the token bucket allows a burst of one second's worth, then the rate")
    void tokenBucket() {
        TokenBucket bucket = new TokenBucket(10);
        long first = IntStream.range(0, 100).filter(i -> bucket.tryTake(1_000)).count();
        assertThat(first).as("burst at one instant").isEqualTo(10);
        long afterHalfSecond = IntStream.range(0, 100).filter(i -> bucket.tryTake(1_500)).count();
        assertThat(afterHalfSecond).as("refill of half a second").isEqualTo(5);
        long afterLongIdle = IntStream.range(0, 100).filter(i -> bucket.tryTake(60_000)).count();
        assertThat(afterLongIdle).as("never more than one second's worth").isEqualTo(10);
    }
}
