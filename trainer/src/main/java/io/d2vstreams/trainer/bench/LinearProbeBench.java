package io.d2vstreams.trainer.bench;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.trainer.Data2VecTextTrainer;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.TrainerConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Does continual data2vec training improve the TEXT representations? A linear probe (softmax
 * regression on frozen, mean-pooled, L2-normalised embeddings from the ONNX encoder, as the
 * pipeline serves them) is fitted on a labelled train split of {@link AnagramSentences} and scored
 * on a test split, once with the seeded version 1 and once with the version the trainer exports
 * after {@code steps} updates on unlabelled sentences of the same generator. The labels never
 * reach the trainer: it sees only {@link AnagramSentences#next} text from its own seed. What
 * {@code d2v bench probe} prints.
 */
public final class LinearProbeBench {

    /** Told after every training step. */
    @FunctionalInterface
    public interface Progress {
        void update(long stepsDone, long totalSteps);
    }

    /**
     * @param steps training updates between the two probes
     * @param trainPairs twin pairs in the probe's train split (2 × as many sentences)
     * @param testPairs twin pairs in the probe's test split
     * @param heldOut held-out unlabelled sentences for the data2vec loss
     * @param probeL2 the probe's candidate L2 penalties; each encoder gets the one that scores best
     *     on a validation quarter of the train split (the test split is never used to choose)
     * @param probeIterations the probe's gradient steps
     * @param config the trainer's hyperparameters
     */
    public record Options(int steps, int trainPairs, int testPairs, int heldOut, List<Double> probeL2,
            int probeIterations, TrainerConfig config) {
        public Options {
            Objects.requireNonNull(config, "config");
            probeL2 = List.copyOf(probeL2);
            if (steps < 1 || trainPairs < 4 || testPairs < 1 || heldOut < 2 || probeL2.isEmpty()
                    || probeL2.stream().anyMatch(l2 -> !(l2 >= 0)) || probeIterations < 1) {
                throw new IllegalArgumentException("need steps, testPairs, probeIterations >= 1, trainPairs >= 4,"
                        + " heldOut >= 2 and L2 candidates >= 0; got " + steps + ", " + testPairs + ", "
                        + probeIterations + ", " + trainPairs + ", " + heldOut + ", " + probeL2);
            }
        }

        /** The probe's usual sizes: 400 + 200 twin pairs, 64 held-out sentences, L2 from 1e-4 to 1e-1, 2000 iterations. */
        public static Options of(int steps, TrainerConfig config) {
            return new Options(steps, 400, 200, 64, List.of(1e-4, 1e-3, 1e-2, 1e-1), 2000, config);
        }
    }

    /**
     * @param probeAccuracyInitial test accuracy of the probe on the seeded version's embeddings
     * @param probeAccuracyTrained test accuracy of the probe on the trained version's embeddings
     * @param heldOutLossInitial held-out data2vec loss before the first step
     * @param heldOutLossTrained held-out data2vec loss after the last step
     * @param steps updates applied
     * @param batch texts per step
     * @param trainExamples probe train split size
     * @param testExamples probe test split size
     * @param initialVersion the seeded version
     * @param trainedVersion the exported version
     * @param wallSeconds the whole measurement, probes included
     */
    public record Result(double probeAccuracyInitial, double probeAccuracyTrained, double heldOutLossInitial,
            double heldOutLossTrained, long steps, int batch, int trainExamples, int testExamples, int initialVersion,
            int trainedVersion, double wallSeconds) {

        /** Trained minus initial accuracy, in percentage points. */
        public double pointsGained() {
            return 100 * (probeAccuracyTrained - probeAccuracyInitial);
        }
    }

    private static final long MODEL_SEED = 42;
    // Three separate streams: trainer text, held-out text, and the labelled probe sentences.
    private static final long TRAIN_SEED = 11;
    private static final long HELD_OUT_SEED = 12;
    private static final long PROBE_SEED = 13;

    private LinearProbeBench() {}

    /** Runs the measurement with a fresh seeded model in a store under {@code workDir}. */
    public static Result run(Options options, Path workDir, Progress progress) {
        long started = System.nanoTime();
        ModelStore store = new ModelStore(workDir.resolve("models"));
        ModelManifest seeded = store.initDefault(Modality.TEXT, MODEL_SEED);
        ProbeSplit split = ProbeSplit.of(new AnagramSentences(PROBE_SEED), options.trainPairs(), options.testPairs());
        double initialAccuracy = probe(store, seeded, split, options);
        List<String> heldOut = new AnagramSentences(HELD_OUT_SEED).next(options.heldOut());
        AnagramSentences stream = new AnagramSentences(TRAIN_SEED);
        int batch = options.config().batchSize();
        double lossBefore;
        double lossAfter;
        long applied;
        ModelManifest trained;
        try (Data2VecTrainer<String> trainer = Data2VecTextTrainer.fromStore(store, seeded, options.config())) {
            lossBefore = trainer.heldOutLoss(heldOut);
            for (int i = 0; i < options.steps(); i++) {
                trainer.step(stream.next(batch));
                progress.update(i + 1, options.steps());
            }
            applied = trainer.completedSteps();
            lossAfter = trainer.heldOutLoss(heldOut);
            trained = trainer.exportTo(store);
        }
        double trainedAccuracy = probe(store, trained, split, options);
        return new Result(initialAccuracy, trainedAccuracy, lossBefore, lossAfter, applied, batch,
                split.trainLabels().length, split.testLabels().length, seeded.version(), trained.version(),
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * Fits the probe on the version's embeddings of the train split and scores it on the test
     * split. The L2 penalty is chosen per encoder on the train split alone (fit on its first three
     * quarters, score on the last), then the probe is refitted on the whole train split: two
     * encoders whose features are scaled or conditioned differently each get their best probe.
     */
    static double probe(ModelStore store, ModelManifest version, ProbeSplit split, Options options) {
        float[][] train;
        float[][] test;
        try (Encoder<String> encoder = store.loadText(version, EncoderOptions.defaults())) {
            train = encoder.embed(split.trainTexts());
            test = encoder.embed(split.testTexts());
        }
        int[] labels = split.trainLabels();
        // An even cut keeps twins together (they are adjacent), so validation sentences' twins are unseen too.
        int cut = (train.length * 3 / 4) & ~1;
        float[][] fitX = Arrays.copyOfRange(train, 0, cut);
        int[] fitY = Arrays.copyOfRange(labels, 0, cut);
        float[][] valX = Arrays.copyOfRange(train, cut, train.length);
        int[] valY = Arrays.copyOfRange(labels, cut, labels.length);
        double bestL2 = options.probeL2().get(0);
        double bestAccuracy = -1;
        for (double l2 : options.probeL2()) {
            double accuracy = SoftmaxRegression.fit(fitX, fitY, AnagramSentences.CLASSES, l2, options.probeIterations())
                    .accuracy(valX, valY);
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                bestL2 = l2;
            }
        }
        return SoftmaxRegression.fit(train, labels, AnagramSentences.CLASSES, bestL2, options.probeIterations())
                .accuracy(test, split.testLabels());
    }

    /** The labelled sentences, split so that twins stay on the same side. */
    record ProbeSplit(List<String> trainTexts, int[] trainLabels, List<String> testTexts, int[] testLabels) {
        static ProbeSplit of(AnagramSentences generator, int trainPairs, int testPairs) {
            List<AnagramSentences.Labelled> train = generator.labelledTwins(trainPairs);
            List<AnagramSentences.Labelled> test = generator.labelledTwins(testPairs);
            return new ProbeSplit(train.stream().map(AnagramSentences.Labelled::text).toList(),
                    train.stream().mapToInt(AnagramSentences.Labelled::label).toArray(),
                    test.stream().map(AnagramSentences.Labelled::text).toList(),
                    test.stream().mapToInt(AnagramSentences.Labelled::label).toArray());
        }
    }
}
