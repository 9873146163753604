package io.d2vstreams.trainer.bench;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.bench.MediaGenerator;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.StepResult;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.audio.AudioData2VecTrainer;
import io.d2vstreams.trainer.image.ImageData2VecTrainer;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Measures a trainer alone (no Kafka): the seeded tiny encoder trained on a stream of generated
 * inputs that never repeats, timing each step (tokenising or decoding and resizing, masking,
 * teacher targets, forward, backward, clipping, AdamW, EMA), and the held-out data2vec loss of a
 * fixed set of inputs, untimed, every {@code evalEvery} steps. TEXT trains on generated sentences,
 * IMAGE on {@link MediaGenerator}'s images (JPEG and PNG of many sizes, as the encoder bench and
 * the demo make them), AUDIO on its clips (WAV at 8, 16 and 44.1 kHz, mono and stereo, of
 * log-normal lengths, resampled by preprocessing and cropped at the trainer's
 * {@code maxAudioSeconds}). What {@code d2v bench trainer} prints.
 */
public final class TrainerBench {

    /**
     * @param steps timed training steps
     * @param warmupSteps untimed steps first (JIT, libtorch allocator)
     * @param evalEvery steps between held-out measurements
     * @param heldOut held-out sentences (never trained on)
     * @param config the trainer's hyperparameters (batch size, max tokens, device ...)
     */
    public record Options(int steps, int warmupSteps, int evalEvery, int heldOut, TrainerConfig config) {
        public Options {
            Objects.requireNonNull(config, "config");
            if (steps < 1 || warmupSteps < 0 || evalEvery < 1 || heldOut < 2) {
                throw new IllegalArgumentException("need steps >= 1, warm-up >= 0, evalEvery >= 1 and heldOut >= 2; got "
                        + steps + ", " + warmupSteps + ", " + evalEvery + ", " + heldOut);
            }
        }
    }

    /** The held-out loss after {@code step} updates (warm-up included). */
    public record LossPoint(long step, double heldOutLoss) {}

    /**
     * @param batch inputs per step
     * @param steps timed steps
     * @param msPerStepMean mean wall-clock time of a timed step
     * @param msPerStepP50 median step time
     * @param msPerStepP90 90th percentile step time
     * @param samplesPerSecond inputs trained per second over the timed steps (held-out evaluations excluded)
     * @param trainLossFirst the first timed step's batch loss
     * @param trainLossLast mean batch loss of the last tenth of the timed steps
     * @param heldOut the held-out loss curve
     * @param cpus processors available to the JVM (libtorch uses them all by default)
     */
    public record Result(int batch, int steps, double msPerStepMean, double msPerStepP50, double msPerStepP90,
            double samplesPerSecond, double trainLossFirst, double trainLossLast, List<LossPoint> heldOut, int cpus) {
        public Result {
            heldOut = List.copyOf(heldOut);
        }
    }

    private static final long MODEL_SEED = 42;
    private static final long TRAIN_SEED = 1;
    private static final long HELD_OUT_SEED = 2;

    private TrainerBench() {}

    /** Runs the measurement of {@code modality} with a fresh seeded model under {@code workDir}. */
    public static Result run(Modality modality, Options options, Path workDir) {
        return switch (modality) {
            case TEXT -> run(options, workDir);
            case IMAGE -> runImages(options, workDir);
            case AUDIO -> runAudio(options, workDir);
        };
    }

    /** Runs the TEXT measurement with a fresh seeded model under {@code workDir} (a model store is made there). */
    public static Result run(Options options, Path workDir) {
        ModelStore store = new ModelStore(workDir.resolve("models"));
        ModelManifest base = store.latest(Modality.TEXT).orElseGet(() -> store.initDefault(Modality.TEXT, MODEL_SEED));
        List<String> heldOut = new TopicSentences(HELD_OUT_SEED).next(options.heldOut());
        TopicSentences stream = new TopicSentences(TRAIN_SEED);
        try (Data2VecTrainer<String> trainer = TextData2VecTrainer.fromStore(store, base, options.config())) {
            return measure(options, stream::next, heldOut, trainer);
        }
    }

    /** Runs the IMAGE measurement with a fresh seeded model under {@code workDir} (a model store is made there). */
    public static Result runImages(Options options, Path workDir) {
        ModelStore store = new ModelStore(workDir.resolve("models"));
        ModelManifest base = store.latest(Modality.IMAGE).orElseGet(() -> store.initDefault(Modality.IMAGE, MODEL_SEED));
        List<byte[]> heldOut = new MediaGenerator(HELD_OUT_SEED).images(options.heldOut());
        MediaGenerator stream = new MediaGenerator(TRAIN_SEED);
        try (Data2VecTrainer<byte[]> trainer = ImageData2VecTrainer.fromStore(store, base, options.config())) {
            return measure(options, stream::images, heldOut, trainer);
        }
    }

    /** Runs the AUDIO measurement with a fresh seeded model under {@code workDir} (a model store is made there). */
    public static Result runAudio(Options options, Path workDir) {
        ModelStore store = new ModelStore(workDir.resolve("models"));
        ModelManifest base = store.latest(Modality.AUDIO).orElseGet(() -> store.initDefault(Modality.AUDIO, MODEL_SEED));
        List<byte[]> heldOut = new MediaGenerator(HELD_OUT_SEED).clips(options.heldOut());
        MediaGenerator stream = new MediaGenerator(TRAIN_SEED);
        try (Data2VecTrainer<byte[]> trainer = AudioData2VecTrainer.fromStore(store, base, options.config())) {
            return measure(options, stream::clips, heldOut, trainer);
        }
    }

    /** The same measurement for any modality: only the input stream and the trainer differ. */
    private static <T> Result measure(Options options, IntFunction<List<T>> stream, List<T> heldOut,
            Data2VecTrainer<T> trainer) {
        int batch = options.config().batchSize();
        List<LossPoint> curve = new ArrayList<>();
        double[] ms = new double[options.steps()];
        double[] losses = new double[options.steps()];
        double trainingNanos = 0;
        curve.add(new LossPoint(0, trainer.heldOutLoss(heldOut)));
        for (int i = 0; i < options.warmupSteps(); i++) {
            trainer.step(stream.apply(batch));
        }
        for (int i = 0; i < options.steps(); i++) {
            List<T> inputs = stream.apply(batch);
            long started = System.nanoTime();
            StepResult r = trainer.step(inputs);
            long elapsed = System.nanoTime() - started;
            trainingNanos += elapsed;
            ms[i] = elapsed / 1e6;
            losses[i] = r.loss();
            if ((i + 1) % options.evalEvery() == 0 || i + 1 == options.steps()) {
                curve.add(new LossPoint(trainer.completedSteps(), trainer.heldOutLoss(heldOut)));
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int tail = Math.max(1, options.steps() / 10);
        double lastLoss = Arrays.stream(losses, options.steps() - tail, options.steps()).average().orElse(Double.NaN);
        return new Result(batch, options.steps(), Arrays.stream(ms).average().orElse(Double.NaN),
                sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)],
                (double) options.steps() * batch / (trainingNanos / 1e9), losses[0], lastLoss, curve,
                Runtime.getRuntime().availableProcessors());
    }
}
