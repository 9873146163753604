package io.d2vstreams.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The benchmark's sentence generator")
class SentenceGeneratorTest {

    @Test
    @DisplayName("gives the same sentences for the same seed and others for another")
    void seeded() {
        assertThat(new SentenceGenerator(7).sentences(20)).as("same seed")
                .isEqualTo(new SentenceGenerator(7).sentences(20));
        assertThat(new SentenceGenerator(8).sentences(20)).as("other seed")
                .isNotEqualTo(new SentenceGenerator(7).sentences(20));
    }

    @Test
    @DisplayName("draws lengths from a skewed distribution: a long tail well above the median")
    void skewedLengths() {
        List<String> sentences = new SentenceGenerator(1).sentences(2000);
        int[] words = sentences.stream().mapToInt(s -> s.split(" ").length).sorted().toArray();
        int median = words[words.length / 2];
        int p95 = words[(int) (words.length * 0.95)];
        assertThat(median).as("median words").isBetween(9, 15);
        assertThat(p95).as("95th percentile words").isGreaterThan(3 * median);
        assertThat(sentences).as("every sentence is non-empty text").allSatisfy(s -> assertThat(s).isNotBlank());
    }
}
