package io.d2vstreams.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AnagramSentences, the probe's generator")
class AnagramSentencesTest {

    @Test
    @DisplayName("the same seed gives the same sentences and labels, another seed others")
    void deterministic() {
        assertThat(new AnagramSentences(7).labelledTwins(50)).as("labelled, same seed")
                .isEqualTo(new AnagramSentences(7).labelledTwins(50));
        assertThat(new AnagramSentences(7).next(50)).as("unlabelled, same seed").isEqualTo(new AnagramSentences(7).next(50));
        assertThat(new AnagramSentences(8).next(50)).as("unlabelled, other seed").isNotEqualTo(new AnagramSentences(7).next(50));
    }

    @Test
    @DisplayName("labelled twins are balanced: one of each family per pair")
    void balanced() {
        List<AnagramSentences.Labelled> twins = new AnagramSentences(1).labelledTwins(100);
        assertThat(twins).as("two sentences per pair").hasSize(200);
        assertThat(twins.stream().filter(t -> t.label() == 0).count()).as("family 0").isEqualTo(100);
        assertThat(twins.stream().filter(t -> t.label() == 1).count()).as("family 1").isEqualTo(100);
    }

    @Test
    @DisplayName("the families share their tokens: each twin has exactly the other's bytes, so a bag of tokens carries no label")
    void twinsHaveTheSameBytes() {
        List<AnagramSentences.Labelled> twins = new AnagramSentences(3).labelledTwins(200);
        for (int i = 0; i < twins.size(); i += 2) {
            String a = twins.get(i).text();
            String b = twins.get(i + 1).text();
            assertThat(a).as("twin texts differ").isNotEqualTo(b);
            assertThat(sortedBytes(b)).as("bytes of %s vs %s", a, b).isEqualTo(sortedBytes(a));
        }
    }

    @Test
    @DisplayName("the unlabelled stream draws from both families, every word of a sentence from one of them")
    void unlabelledMixesBothFamilies() {
        Set<String> family0 = words(new AnagramSentences(5).labelledTwins(300), 0);
        Set<String> family1 = words(new AnagramSentences(5).labelledTwins(300), 1);
        List<String> stream = new AnagramSentences(9).next(200);
        long fromFamily0 = stream.stream().filter(s -> s.contains(" lemon ") || s.contains(" night ")
                || s.contains(" heart ") || s.contains(" state ")).count();
        assertThat(fromFamily0).as("sentences with a family-0 noun among 200").isBetween(40L, 160L);
        assertThat(family0).as("family-0 words").contains("lemon", "stops").doesNotContain("melon", "posts");
        assertThat(family1).as("family-1 words").contains("melon", "posts").doesNotContain("lemon", "stops");
    }

    private static Set<String> words(List<AnagramSentences.Labelled> twins, int label) {
        return twins.stream().filter(t -> t.label() == label).flatMap(t -> Arrays.stream(t.text().split(" ")))
                .collect(Collectors.toSet());
    }

    private static String sortedBytes(String s) {
        char[] c = s.toCharArray();
        Arrays.sort(c);
        return new String(c);
    }
}
