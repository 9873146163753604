package io.d2vstreams.trainer.bench;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.audio.AudioData2VecTrainer;
import io.d2vstreams.trainer.image.ImageData2VecTrainer;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Does continual data2vec training improve the representations? A linear probe (softmax
 * regression on frozen, mean-pooled, L2-normalised embeddings from the ONNX encoder, as the
 * pipeline serves them) is fitted on a labelled train split and scored on a test split, once with
 * the seeded version 1 and once with the version the trainer exports after {@code steps} updates
 * on unlabelled inputs of the same generator. The labels never reach the trainer: it sees only
 * unlabelled inputs from its own seed. TEXT probes {@link AnagramSentences} (which anagram family
 * a sentence is written in), IMAGE probes {@link ShapeImages} (which shape an image shows), AUDIO
 * probes {@link ToneOrderClips} (whether a tone pair rises or falls). What {@code d2v bench probe}
 * prints.
 */
public final class LinearProbeBench {

    /** Told after every training step. */
    @FunctionalInterface
    public interface Progress {
        void update(long stepsDone, long totalSteps);
    }

    /**
     * @param steps training updates between the two probes
     * @param trainExamples labelled inputs in the probe's train split (even: TEXT draws them as twin pairs)
     * @param testExamples labelled inputs in the probe's test split (even, likewise)
     * @param heldOut held-out unlabelled inputs for the data2vec loss
     * @param probeL2 the probe's candidate L2 penalties; each encoder gets the one that scores best
     *     on a validation quarter of the train split (the test split is never used to choose)
     * @param probeIterations the probe's gradient steps
     * @param config the trainer's hyperparameters
     */
    public record Options(int steps, int trainExamples, int testExamples, int heldOut, List<Double> probeL2,
            int probeIterations, TrainerConfig config) {
        public Options {
            Objects.requireNonNull(config, "config");
            probeL2 = List.copyOf(probeL2);
            if (steps < 1 || trainExamples < 8 || trainExamples % 2 != 0 || testExamples < 2 || testExamples % 2 != 0
                    || heldOut < 2 || probeL2.isEmpty() || probeL2.stream().anyMatch(l2 -> !(l2 >= 0))
                    || probeIterations < 1) {
                throw new IllegalArgumentException("need steps, probeIterations >= 1, an even trainExamples >= 8, an even"
                        + " testExamples >= 2, heldOut >= 2 and L2 candidates >= 0; got " + steps + ", " + probeIterations
                        + ", " + trainExamples + ", " + testExamples + ", " + heldOut + ", " + probeL2);
            }
        }

        /** The probe's usual sizes: 800 + 400 labelled inputs, 64 held-out ones, L2 from 1e-4 to 1e-1, 2000 iterations. */
        public static Options of(int steps, TrainerConfig config) {
            return new Options(steps, 800, 400, 64, List.of(1e-4, 1e-3, 1e-2, 1e-1), 2000, config);
        }
    }

    /**
     * @param probeAccuracyInitial test accuracy of the probe on the seeded version's embeddings
     * @param probeAccuracyTrained test accuracy of the probe on the trained version's embeddings
     * @param heldOutLossInitial held-out data2vec loss before the first step
     * @param heldOutLossTrained held-out data2vec loss after the last step
     * @param steps updates applied
     * @param batch inputs per step
     * @param trainExamples probe train split size
     * @param testExamples probe test split size
     * @param classes the probe's labels (chance accuracy is about 1/classes)
     * @param initialVersion the seeded version
     * @param trainedVersion the exported version
     * @param wallSeconds the whole measurement, probes included
     */
    public record Result(double probeAccuracyInitial, double probeAccuracyTrained, double heldOutLossInitial,
            double heldOutLossTrained, long steps, int batch, int trainExamples, int testExamples, int classes,
            int initialVersion, int trainedVersion, double wallSeconds) {

        /** Trained minus initial accuracy, in percentage points. */
        public double pointsGained() {
            return 100 * (probeAccuracyTrained - probeAccuracyInitial);
        }
    }

    private static final long MODEL_SEED = 42;
    // Three separate streams: trainer inputs, held-out inputs, and the labelled probe inputs.
    private static final long TRAIN_SEED = 11;
    private static final long HELD_OUT_SEED = 12;
    private static final long PROBE_SEED = 13;

    private LinearProbeBench() {}

    /** Runs the probe of {@code modality}; see {@link #run(Options, Path, Progress)}. */
    public static Result run(Modality modality, Options options, Path workDir, Progress progress) {
        return switch (modality) {
            case TEXT -> run(options, workDir, progress);
            case IMAGE -> runImages(options, workDir, progress);
            case AUDIO -> runAudio(options, workDir, progress);
        };
    }

    /** Runs the TEXT measurement with a fresh seeded model in a store under {@code workDir}. */
    public static Result run(Options options, Path workDir, Progress progress) {
        return run(Task.TEXT, options, workDir, progress);
    }

    /** Runs the IMAGE measurement with a fresh seeded model in a store under {@code workDir}. */
    public static Result runImages(Options options, Path workDir, Progress progress) {
        return run(Task.IMAGE, options, workDir, progress);
    }

    /** Runs the AUDIO measurement with a fresh seeded model in a store under {@code workDir}. */
    public static Result runAudio(Options options, Path workDir, Progress progress) {
        return run(Task.AUDIO, options, workDir, progress);
    }

    private static <T> Result run(Task<T> task, Options options, Path workDir, Progress progress) {
        long started = System.nanoTime();
        ModelStore store = new ModelStore(workDir.resolve("models"));
        ModelManifest seeded = store.initDefault(task.modality(), MODEL_SEED);
        ProbeSplit<T> split = task.split(options.trainExamples(), options.testExamples());
        double initialAccuracy = probe(task, store, seeded, split, options);
        List<T> heldOut = task.unlabelled(HELD_OUT_SEED).apply(options.heldOut());
        IntFunction<List<T>> stream = task.unlabelled(TRAIN_SEED);
        int batch = options.config().batchSize();
        double lossBefore;
        double lossAfter;
        long applied;
        ModelManifest trained;
        try (Data2VecTrainer<T> trainer = task.trainer(store, seeded, options.config())) {
            lossBefore = trainer.heldOutLoss(heldOut);
            for (int i = 0; i < options.steps(); i++) {
                trainer.step(stream.apply(batch));
                progress.update(i + 1, options.steps());
            }
            applied = trainer.completedSteps();
            lossAfter = trainer.heldOutLoss(heldOut);
            trained = trainer.exportTo(store);
        }
        double trainedAccuracy = probe(task, store, trained, split, options);
        return new Result(initialAccuracy, trainedAccuracy, lossBefore, lossAfter, applied, batch,
                split.trainLabels().length, split.testLabels().length, task.classes(), seeded.version(),
                trained.version(), (System.nanoTime() - started) / 1e9);
    }

    /**
     * Fits the probe on the version's embeddings of the train split and scores it on the test
     * split. The L2 penalty is chosen per encoder on the train split alone (fit on its first three
     * quarters, score on the last), then the probe is refitted on the whole train split: two
     * encoders whose features are scaled or conditioned differently each get their best probe.
     */
    private static <T> double probe(Task<T> task, ModelStore store, ModelManifest version, ProbeSplit<T> split,
            Options options) {
        float[][] train;
        float[][] test;
        try (Encoder<T> encoder = task.encoder(store, version)) {
            train = encoder.embed(split.trainInputs());
            test = encoder.embed(split.testInputs());
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
            double accuracy = SoftmaxRegression.fit(fitX, fitY, task.classes(), l2, options.probeIterations())
                    .accuracy(valX, valY);
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                bestL2 = l2;
            }
        }
        return SoftmaxRegression.fit(train, labels, task.classes(), bestL2, options.probeIterations())
                .accuracy(test, split.testLabels());
    }

    /** The labelled inputs; TEXT's twins stay on the same side. */
    record ProbeSplit<T>(List<T> trainInputs, int[] trainLabels, List<T> testInputs, int[] testLabels) {}

    /** What differs between the modalities: the generator, the served encoder, the trainer. */
    private interface Task<T> {

        Task<String> TEXT = new Task<>() {
            @Override
            public Modality modality() {
                return Modality.TEXT;
            }

            @Override
            public int classes() {
                return AnagramSentences.CLASSES;
            }

            @Override
            public ProbeSplit<String> split(int trainExamples, int testExamples) {
                AnagramSentences generator = new AnagramSentences(PROBE_SEED);
                List<AnagramSentences.Labelled> train = generator.labelledTwins(trainExamples / 2);
                List<AnagramSentences.Labelled> test = generator.labelledTwins(testExamples / 2);
                return new ProbeSplit<>(train.stream().map(AnagramSentences.Labelled::text).toList(),
                        train.stream().mapToInt(AnagramSentences.Labelled::label).toArray(),
                        test.stream().map(AnagramSentences.Labelled::text).toList(),
                        test.stream().mapToInt(AnagramSentences.Labelled::label).toArray());
            }

            @Override
            public IntFunction<List<String>> unlabelled(long seed) {
                return new AnagramSentences(seed)::next;
            }

            @Override
            public Encoder<String> encoder(ModelStore store, ModelManifest version) {
                return store.load(TextSpec.INSTANCE, version, EncoderOptions.defaults());
            }

            @Override
            public Data2VecTrainer<String> trainer(ModelStore store, ModelManifest version, TrainerConfig config) {
                return TextData2VecTrainer.fromStore(store, version, config);
            }
        };

        Task<byte[]> IMAGE = new Task<>() {
            @Override
            public Modality modality() {
                return Modality.IMAGE;
            }

            @Override
            public int classes() {
                return ShapeImages.CLASSES;
            }

            @Override
            public ProbeSplit<byte[]> split(int trainExamples, int testExamples) {
                ShapeImages generator = new ShapeImages(PROBE_SEED);
                List<ShapeImages.Labelled> train = generator.labelled(trainExamples);
                List<ShapeImages.Labelled> test = generator.labelled(testExamples);
                return new ProbeSplit<>(train.stream().map(ShapeImages.Labelled::image).toList(),
                        train.stream().mapToInt(ShapeImages.Labelled::label).toArray(),
                        test.stream().map(ShapeImages.Labelled::image).toList(),
                        test.stream().mapToInt(ShapeImages.Labelled::label).toArray());
            }

            @Override
            public IntFunction<List<byte[]>> unlabelled(long seed) {
                return new ShapeImages(seed)::next;
            }

            @Override
            public Encoder<byte[]> encoder(ModelStore store, ModelManifest version) {
                return store.load(ImageSpec.INSTANCE, version, EncoderOptions.defaults());
            }

            @Override
            public Data2VecTrainer<byte[]> trainer(ModelStore store, ModelManifest version, TrainerConfig config) {
                return ImageData2VecTrainer.fromStore(store, version, config);
            }
        };

        /** Rising vs falling tone pairs; like TEXT, twins (the same samples in the other order) stay together. */
        Task<byte[]> AUDIO = new Task<>() {
            @Override
            public Modality modality() {
                return Modality.AUDIO;
            }

            @Override
            public int classes() {
                return ToneOrderClips.CLASSES;
            }

            @Override
            public ProbeSplit<byte[]> split(int trainExamples, int testExamples) {
                ToneOrderClips generator = new ToneOrderClips(PROBE_SEED);
                List<ToneOrderClips.Labelled> train = generator.labelledTwins(trainExamples / 2);
                List<ToneOrderClips.Labelled> test = generator.labelledTwins(testExamples / 2);
                return new ProbeSplit<>(train.stream().map(ToneOrderClips.Labelled::wav).toList(),
                        train.stream().mapToInt(ToneOrderClips.Labelled::label).toArray(),
                        test.stream().map(ToneOrderClips.Labelled::wav).toList(),
                        test.stream().mapToInt(ToneOrderClips.Labelled::label).toArray());
            }

            @Override
            public IntFunction<List<byte[]>> unlabelled(long seed) {
                return new ToneOrderClips(seed)::next;
            }

            @Override
            public Encoder<byte[]> encoder(ModelStore store, ModelManifest version) {
                return store.load(AudioSpec.INSTANCE, version, EncoderOptions.defaults());
            }

            @Override
            public Data2VecTrainer<byte[]> trainer(ModelStore store, ModelManifest version, TrainerConfig config) {
                return AudioData2VecTrainer.fromStore(store, version, config);
            }
        };

        Modality modality();

        int classes();

        ProbeSplit<T> split(int trainExamples, int testExamples);

        /** A seeded stream of unlabelled inputs: each call gives the next {@code count}. */
        IntFunction<List<T>> unlabelled(long seed);

        Encoder<T> encoder(ModelStore store, ModelManifest version);

        Data2VecTrainer<T> trainer(ModelStore store, ModelManifest version, TrainerConfig config);
    }
}
