package io.d2vstreams.trainer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded short sentences on a few topics (subject, verb, object and ending drawn per topic), so
 * that masked words are predictable from their context: the structure a data2vec run can learn in
 * a few hundred steps. About 10^4 distinct sentences, so a stream rarely repeats itself.
 */
final class TopicSentences {

    private static final String[][] SUBJECTS = {
        {"the striker", "the goalkeeper", "our team", "the coach", "the runner", "the referee"},
        {"the chef", "my grandmother", "the baker", "the cook", "the waiter", "a student"},
        {"the rover", "the telescope", "the astronaut", "the probe", "the satellite", "the crew"},
        {"the band", "the pianist", "the orchestra", "the singer", "the drummer", "the choir"}};
    private static final String[][] VERBS = {
        {"scored in", "defended", "won", "trained for", "lost", "watched"},
        {"baked", "seasoned", "simmered", "roasted", "tasted", "served"},
        {"orbited", "observed", "landed on", "photographed", "reached", "mapped"},
        {"played", "rehearsed", "recorded", "composed", "performed", "sang"}};
    private static final String[][] OBJECTS = {
        {"the final match", "a late penalty", "the league title", "the relay", "the derby", "the cup"},
        {"a loaf of rye bread", "the tomato soup", "a lemon tart", "the garlic butter", "a spicy curry", "the stew"},
        {"the red planet", "a distant galaxy", "the icy moon", "the asteroid belt", "a new exoplanet", "the comet"},
        {"a quiet sonata", "the new album", "a jazz standard", "the symphony", "an old folk song", "the anthem"}};
    private static final String[] ENDINGS = {"yesterday.", "in the rain.", "before dawn.", "with great care.",
        "for the first time.", "again this week.", "after a long wait.", "to everyone's surprise."};

    private final SplittableRandom random;

    TopicSentences(long seed) {
        this.random = new SplittableRandom(seed);
    }

    List<String> next(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int topic = random.nextInt(SUBJECTS.length);
            out.add(pick(SUBJECTS[topic]) + " " + pick(VERBS[topic]) + " " + pick(OBJECTS[topic]) + " " + pick(ENDINGS));
        }
        return out;
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }
}
