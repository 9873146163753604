package io.d2vstreams.trainer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded sentences in one of two word families whose words are anagrams of each other ("the lemon
 * and the night stops ..." against "the melon and the thing posts ..."): a probe task the seeded
 * byte-level encoder cannot solve from which tokens appear. Its tokens are single bytes, so a
 * random encoder's mean-pooled vector is close to a bag of characters, and every sentence of one
 * family has a twin in the other with exactly the same characters (each word replaced by its
 * anagram partner, everything else equal). Telling them apart needs the order of characters inside
 * words, which masked prediction on the unlabelled text has to learn to fill a masked character.
 *
 * <p>A sentence keeps one family throughout, so the family is also a sentence-level latent that
 * the rest of the sentence predicts. The label is the family (0 or 1); {@link #next} gives the
 * unlabelled text a trainer learns from, {@link #labelledTwins} the probe's labelled set.
 */
public final class AnagramSentences {

    /** A probe sentence and its family. */
    public record Labelled(String text, int label) {}

    /** Number of labels: the two families. */
    public static final int CLASSES = 2;

    // Column f holds family f; each row is an anagram pair, so both families draw the same letters.
    private static final String[][] NOUNS = {
        {"lemon", "melon"}, {"night", "thing"}, {"heart", "earth"}, {"state", "taste"}, {"stone", "notes"},
        {"ocean", "canoe"}, {"sword", "words"}, {"horse", "shore"}, {"march", "charm"}, {"below", "elbow"},
        {"finger", "fringe"}, {"dusty", "study"}};
    private static final String[][] VERBS = {
        {"stops", "posts"}, {"reads", "dares"}, {"listens to", "enlists to"}, {"meets", "teems"},
        {"lives by", "evils by"}, {"saw", "was"}};
    // Shared by both families, in both: they carry no label.
    private static final String[] ENDINGS = {"today.", "in the rain.", "before dawn.", "with great care.",
        "for the first time.", "again this week.", "after a long wait.", "at noon."};

    private final SplittableRandom random;

    public AnagramSentences(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** {@code count} unlabelled sentences, each family with probability 1/2. */
    public List<String> next(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(skeleton().realise(random.nextInt(CLASSES)));
        }
        return out;
    }

    /**
     * {@code pairs} twin pairs, 2 × {@code pairs} sentences: each skeleton realised in family 0
     * then in family 1, so the labels are balanced and the two classes have the same characters.
     */
    public List<Labelled> labelledTwins(int pairs) {
        List<Labelled> out = new ArrayList<>(2 * pairs);
        for (int i = 0; i < pairs; i++) {
            Skeleton s = skeleton();
            for (int family = 0; family < CLASSES; family++) {
                out.add(new Labelled(s.realise(family), family));
            }
        }
        return out;
    }

    private Skeleton skeleton() {
        return new Skeleton(random.nextInt(NOUNS.length), random.nextInt(NOUNS.length), random.nextInt(VERBS.length),
                random.nextInt(NOUNS.length), random.nextInt(ENDINGS.length));
    }

    /** Which pair fills each slot; the family picks the column. */
    private record Skeleton(int noun1, int noun2, int verb, int object, int ending) {
        String realise(int family) {
            return "the " + NOUNS[noun1][family] + " and the " + NOUNS[noun2][family] + " " + VERBS[verb][family]
                    + " the " + NOUNS[object][family] + " " + ENDINGS[ending];
        }
    }
}
