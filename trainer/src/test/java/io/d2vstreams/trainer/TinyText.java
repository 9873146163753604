package io.d2vstreams.trainer;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The seeded tiny text encoder (64 wide, 2 layers, byte-level BPE) and small generated corpora. */
public final class TinyText {

    static final long MODEL_SEED = 7;

    private TinyText() {}

    /** A store under {@code dir} holding the seeded default as v1. */
    public static ModelManifest seededStore(Path dir) {
        return new ModelStore(dir).initDefault(Modality.TEXT, MODEL_SEED);
    }

    /** A fast configuration for tests: small batches and texts, no warm-up. */
    public static TrainerConfig.Builder testConfig() {
        return TrainerConfig.builder().batchSize(8).maxTokens(48).warmupSteps(0).learningRate(1e-3).seed(11);
    }

    /** {@code n} short sentences about a few topics, deterministic. */
    public static List<String> sentences(int n, int offset) {
        String[] subjects = {"the cat", "a train", "our team", "the market", "my neighbour", "the river", "a robot"};
        String[] verbs = {"watches", "follows", "ignores", "measures", "paints", "crosses", "repairs"};
        String[] objects = {"the old bridge", "every sunrise", "a quiet song", "the stock price", "twelve boats",
            "the northern lights", "a broken clock"};
        List<String> out = new ArrayList<>(n);
        for (int i = offset; i < offset + n; i++) {
            out.add(subjects[i % subjects.length] + " " + verbs[(i / 3) % verbs.length] + " "
                    + objects[(i / 5) % objects.length] + (i % 2 == 0 ? "." : " again."));
        }
        return out;
    }
}
