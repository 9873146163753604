package io.d2vstreams.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated sample sentences on a few topics, deterministic from a seed: the demo's text
 * traffic, with no download. Each sentence knows its topic, so a later linear probe can use
 * the same generator as a small labelled set.
 */
public final class SampleTexts {
    public record Sample(String topic, String text) {
    }

    private static final String[] TOPICS = {"sport", "cooking", "space", "music"};
    private static final String[][] SUBJECTS = {
            {"the striker", "the goalkeeper", "our team", "the coach", "the runner"},
            {"the chef", "my grandmother", "the baker", "the recipe", "the sauce"},
            {"the rover", "the telescope", "the astronaut", "the probe", "the comet"},
            {"the band", "the pianist", "the orchestra", "the singer", "the drummer"}};
    private static final String[][] VERBS = {
            {"scored", "defended", "won", "trained for", "lost"},
            {"baked", "seasoned", "simmered", "roasted", "tasted"},
            {"orbited", "observed", "landed on", "photographed", "launched toward"},
            {"played", "rehearsed", "recorded", "composed", "performed"}};
    private static final String[][] OBJECTS = {
            {"the final match", "a late penalty", "the league title", "the relay", "the derby"},
            {"a loaf of rye bread", "the tomato soup", "a lemon tart", "the garlic butter", "a spicy curry"},
            {"the red planet", "a distant galaxy", "the icy moon", "the asteroid belt", "a new exoplanet"},
            {"a quiet sonata", "the new album", "a jazz standard", "the symphony", "an old folk song"}};
    private static final String[] ENDINGS = {"yesterday.", "in the rain.", "before dawn.", "with great care.",
            "for the first time.", "again this week."};

    private SampleTexts() {
    }

    public static List<Sample> generate(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int topic = random.nextInt(TOPICS.length);
            String text = pick(random, SUBJECTS[topic]) + " " + pick(random, VERBS[topic]) + " "
                    + pick(random, OBJECTS[topic]) + " " + pick(random, ENDINGS);
            samples.add(new Sample(TOPICS[topic], Character.toUpperCase(text.charAt(0)) + text.substring(1)));
        }
        return samples;
    }

    private static String pick(SplittableRandom random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
