package io.d2vstreams.runtime.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded text that looks like a real stream for the purposes of a benchmark: sentences whose
 * word counts follow a log-normal distribution (median 12 words, σ = 0.9: most short, a long
 * tail past the model's token limit), so batches mix lengths and padding costs what it costs
 * in production. Mostly English words with an occasional accented, CJK or emoji token, so
 * byte-level tokenizers see multi-byte characters. The same seed gives the same sentences.
 */
public final class SentenceGenerator {

    private static final double MEDIAN_WORDS = 12;
    private static final double SIGMA = 0.9;
    private static final int MAX_WORDS = 400;
    private static final double RARE_WORD_RATE = 0.03;

    private static final String[] WORDS = (
            "the of and to in is that for it as with was on be by this are from at or an have not which one "
            + "their has more will can all about also new time would there been other when into some what "
            + "only its after most first over such two years these may many where before between through "
            + "stream model event kafka vector encoder image audio text partition offset batch latency "
            + "throughput record topic consumer producer schema registry embedding search index query "
            + "customer order payment shipped delayed refund account review product rating price update "
            + "sensor reading temperature pressure alert device firmware network request response error "
            + "weather city market report season team player match score league budget policy energy").split(" ");
    private static final String[] RARE_WORDS = {"Grüße", "café", "naïve", "東京", "데이터", "🙂", "—", "Zürich", "€42"};

    private final SplittableRandom random;

    public SentenceGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public List<String> sentences(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(sentence());
        }
        return out;
    }

    private String sentence() {
        int words = (int) Math.min(MAX_WORDS, Math.max(1, Math.round(MEDIAN_WORDS * Math.exp(SIGMA * gaussian()))));
        StringBuilder s = new StringBuilder(words * 7);
        for (int w = 0; w < words; w++) {
            if (w > 0) {
                s.append(random.nextInt(12) == 0 ? ", " : " ");
            }
            String word = random.nextDouble() < RARE_WORD_RATE
                    ? RARE_WORDS[random.nextInt(RARE_WORDS.length)]
                    : WORDS[random.nextInt(WORDS.length)];
            s.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
        }
        return s.append('.').toString();
    }

    /** Standard normal by Box–Muller; SplittableRandom has no nextGaussian in Java 17. */
    private double gaussian() {
        double u = 1.0 - random.nextDouble(); // (0, 1]: log(0) cannot happen
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * random.nextDouble());
    }
}
