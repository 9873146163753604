package io.d2vstreams.trainer.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.trainer.CheckpointInfo;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.StepResult;
import io.d2vstreams.trainer.TrainerConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data2vec training step and everything around it, shared by every modality (Baevski et al.
 * 2022, §3): mask the batch, run the student on the masked input (with dropout), run the EMA
 * teacher on the whole input, average its top-K layer outputs each normalised by
 * {@link TargetBuilder}, regress them with a linear head at the masked positions
 * ({@link RegressionLoss}), backward, clip the global gradient norm, AdamW with linear warm-up,
 * then update the teacher with the step's τ. Around the step: the held-out loss (against the
 * student or another version's weights), checkpoints ({@link TrainingCheckpoint} in a
 * {@link CheckpointDirectory}), export to the model store, ONNX parity, and the native memory's
 * life cycle (one {@link NDManager}, closed with the trainer).
 *
 * <p><b>Adding a modality.</b> A modality is one {@link Data2VecModality} and the
 * {@link Data2VecEncoder} it makes; nothing here changes. {@code TextModality},
 * {@code ImageModality} and {@code AudioModality} (in {@code trainer.<modality>.internal}) are the three there are: each preprocesses its
 * inputs as the serving side does, masks the batch (BERT tokens, BEiT blocks, wav2vec spans), adapts
 * its DJL model (a learned mask token or embedding is a training-only parameter, borrowed by
 * {@link Data2VecModality#standIn} and left out of {@link Data2VecEncoder#toBundle}), names the
 * parameters the teacher shares, picks the target norm (INSTANCE for audio, whose teacher pass
 * also returns the valid-frame mask so padding stays out of the statistics), exports through its
 * {@code ModelStore.add} and names its checkpoint architecture. A thin public class
 * ({@code AudioData2VecTrainer}, say) opens it from the store, and a {@code TrainingModality}
 * constant hands it to the worker. A modality may leave inputs it cannot preprocess out of a step
 * ({@link Data2VecModality#skippedInputs}, audio does); a step none of whose inputs is left is
 * skipped.
 *
 * <p>Not thread-safe: one thread at a time drives a trainer, not always the same one (made on one
 * thread, trained on a worker's). Every native array a step creates is freed before it returns.
 *
 * @param <I> one input as the stream carries it
 * @param <B> the modality's preprocessed batch
 * @param <M> the modality's mask of a batch
 */
public final class Data2VecTrainingCore<I, B, M> implements Data2VecTrainer<I> {

    private static final Logger LOG = LoggerFactory.getLogger(Data2VecTrainingCore.class);

    private final String modelName;
    private final TrainerConfig config;
    private final Data2VecModality<I, B, M> modality;
    private final Engine engine;
    private final NDManager manager;
    private final Data2VecEncoder<B, M> student;
    private final Data2VecEncoder<B, M> teacher;
    private final RegressionHead head;
    private final Map<String, NDArray> trainable;
    private final AdamW optimizer;
    private final RegressionLoss loss;
    private final TauSchedule tauSchedule;
    private final LearningRateSchedule lrSchedule;
    private final int topK;
    private long step;
    private boolean closed;

    /**
     * A trainer over the starting {@code weights}; it owns {@code modality} from here on, and
     * closes it, also when this constructor fails.
     *
     * @throws IllegalArgumentException when the weights do not fit the modality's architecture
     */
    public Data2VecTrainingCore(String modelName, TensorBundle weights, TrainerConfig config,
            Data2VecModality<I, B, M> modality) {
        this.modality = Objects.requireNonNull(modality, "modality");
        try {
            this.modelName = Objects.requireNonNull(modelName, "modelName");
            this.config = Objects.requireNonNull(config, "config");
            this.loss = new RegressionLoss(
                    config.loss() == TrainerConfig.Loss.L2 ? RegressionLoss.Kind.L2 : RegressionLoss.Kind.SMOOTH_L1,
                    config.lossBeta(),
                    config.lossScale() > 0 ? config.lossScale() : 1 / Math.sqrt(modality.hiddenSize()));
            this.tauSchedule = new TauSchedule(config.tauStart(), config.tauEnd(), config.tauAnnealSteps());
            this.lrSchedule = new LearningRateSchedule(config.learningRate(), config.warmupSteps(), config.totalSteps(),
                    config.minLearningRate(), config.lrSchedule() == TrainerConfig.LrSchedule.COSINE);
            this.topK = Math.min(config.topK(), modality.numHiddenLayers());
            this.engine = DjlEnvironment.pytorch();
        } catch (RuntimeException e) {
            modality.close();
            throw e;
        }
        DjlEnvironment.gradientsOffOnThisThread();
        this.manager = engine.newBaseManager(DjlEnvironment.device(engine, config.device()));
        try {
            this.student = modality.student(manager, weights);
            this.teacher = student.teacherCopy(manager,
                    name -> config.teacherSharesEmbeddings() && modality.sharedWithTeacher(name));
            this.head = RegressionHead.create(manager.newSubManager(), modality.hiddenSize(),
                    Seeds.random(config.seed(), Seeds.HEAD_INIT, 0));
            Map<String, NDArray> params = new LinkedHashMap<>(student.parameters());
            params.putAll(head.parameters());
            params.values().forEach(p -> p.setRequiresGradient(true));
            this.trainable = Collections.unmodifiableMap(params);
            this.optimizer = new AdamW(manager, trainable, config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                    config.weightDecay(), modality.noWeightDecay(trainable.keySet()));
        } catch (RuntimeException e) {
            try {
                modality.close();
            } finally {
                manager.close();
            }
            throw e;
        }
        LOG.info("event=trainer_started modality={} model={} parameters={} device={} batch={} {} top_k={}",
                modality.modality(), modelName, weights.parameterCount(), manager.getDevice(), config.batchSize(),
                modality.describe(), topK);
    }

    @Override
    public Modality modality() {
        return modality.modality();
    }

    @Override
    public StepResult step(List<I> inputs) {
        requireOpen();
        requireBatch(inputs);
        long started = System.nanoTime();
        long next = step + 1;
        B batch = modality.batch(inputs);
        int skipped = modality.skippedInputs(batch);
        M mask = modality.mask(batch, Seeds.random(config.seed(), Seeds.MASKING, next));
        int masked = modality.maskedCount(mask);
        double lr = lrSchedule.at(next);
        double tau = tauSchedule.at(next);
        if (masked == 0) {
            if (skipped == inputs.size()) {
                LOG.warn("event=trainer_step_skipped modality={} model={} step={} inputs={} reason=\"no input of the batch"
                        + " could be preprocessed\"", modality(), modelName, next, inputs.size());
            }
            return new StepResult(step, Double.NaN, lr, tau, elapsedMs(started), Double.NaN, 0, false, skipped);
        }
        Dropout dropout = Dropout.of(config.hiddenDropout(), config.attentionDropout(),
                Seeds.random(config.seed(), Seeds.DROPOUT, next));
        double lossValue;
        double gradNorm;
        try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray targets = targets(scratch, batch);
            NDArray lossArray = Gradients.recordAndBackward(engine,
                    () -> loss(student, scratch, batch, mask, targets, dropout));
            lossValue = lossArray.getFloat();
            gradNorm = Gradients.clipByGlobalNorm(trainable.values(), config.clipNorm());
            if (!Double.isFinite(lossValue) || !Double.isFinite(gradNorm)) {
                Gradients.zero(trainable.values());
                LOG.warn("event=trainer_step_skipped modality={} model={} step={} loss={} grad_norm={}"
                        + " reason=\"not finite\"", modality(), modelName, next, lossValue, gradNorm);
                return new StepResult(step, lossValue, lr, tau, elapsedMs(started), gradNorm, masked, false, skipped);
            }
            optimizer.update(trainable, lr, next);
            Gradients.zero(trainable.values());
            // fairseq updates the teacher after the optimizer step, with the decay of the new update count.
            Ema.update(teacher.parameters(), student.parameters(), tau, teacher.sharedNames());
        }
        step = next;
        return new StepResult(step, lossValue, lr, tau, elapsedMs(started), gradNorm, masked, true, skipped);
    }

    @Override
    public Optional<String> rejectReason(I input) {
        requireOpen();
        return modality.rejectReason(input);
    }

    @Override
    public double heldOutLoss(List<I> inputs) {
        requireOpen();
        return heldOutLoss(inputs, student);
    }

    @Override
    public double heldOutLoss(List<I> inputs, TensorBundle encoderWeights) {
        requireOpen();
        try (Data2VecEncoder<B, M> other = modality.standIn(manager, encoderWeights, student)) {
            return heldOutLoss(inputs, other);
        }
    }

    private double heldOutLoss(List<I> inputs, Data2VecEncoder<B, M> encoder) {
        double sum = 0;
        long count = 0;
        for (int from = 0, chunk = 0; from < inputs.size(); from += config.batchSize(), chunk++) {
            B batch = modality.batch(inputs.subList(from, Math.min(inputs.size(), from + config.batchSize())));
            // Fixed per chunk, not per step: every call and every encoder sees the same masks.
            M mask = modality.mask(batch, Seeds.random(config.seed(), Seeds.HELD_OUT, chunk));
            int masked = modality.maskedCount(mask);
            if (masked == 0) {
                continue;
            }
            try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray targets = targets(scratch, batch);
                double mean = loss(encoder, scratch, batch, mask, targets, Dropout.none()).getFloat();
                sum += mean * masked;
                count += masked;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    @Override
    public ModelManifest exportTo(ModelStore store) {
        requireOpen();
        ModelManifest manifest = modality.export(store, modelName, student.toBundle());
        LOG.info("event=trainer_exported modality={} model={} version={} step={}", modality(), modelName,
                manifest.version(), step);
        return manifest;
    }

    @Override
    public double exportParity(ModelManifest version, List<I> probe) {
        requireOpen();
        requireBatch(probe);
        byte[] onnx = VersionFiles.read(version, ModelStore.MODEL_FILE);
        B batch = modality.batch(probe);
        float[] trained;
        try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            trained = student.lastHiddenState(scratch, batch).toFloatArray();
        }
        return OnnxParity.maxAbsDiff(trained, modality.onnxLastHiddenState(onnx, batch));
    }

    @Override
    public CheckpointInfo checkpoint(Path root, Map<String, String> extra) {
        requireOpen();
        CheckpointInfo info = TrainingCheckpoint.write(root, state(), extra, config.checkpointsKept());
        LOG.info("event=checkpoint_written modality={} model={} step={} path={}", modality(), modelName, step,
                info.directory());
        return info;
    }

    @Override
    public Optional<CheckpointInfo> restoreLatest(Path root) {
        requireOpen();
        Optional<TrainingCheckpoint.Restored> restored = TrainingCheckpoint.restoreLatest(root, state());
        restored.ifPresent(r -> {
            step = r.info().step();
            LOG.info("event=checkpoint_restored modality={} model={} step={} path={}", modality(), modelName, step,
                    r.info().directory());
        });
        return restored.map(TrainingCheckpoint.Restored::info);
    }

    @Override
    public long completedSteps() {
        return step;
    }

    @Override
    public TensorBundle studentWeights() {
        requireOpen();
        return student.toBundle();
    }

    @Override
    public TensorBundle teacherWeights() {
        requireOpen();
        return teacher.toBundle();
    }

    @Override
    public TrainerConfig config() {
        return config;
    }

    @Override
    public String modelName() {
        return modelName;
    }

    /** Native arrays this trainer holds between steps; constant across steps when nothing leaks. */
    public int liveArrays() {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            modality.close();
        } finally {
            manager.close();
        }
    }

    /** The live state a checkpoint is written from and restored into: the teacher's shared parameters are the student's. */
    private TrainingCheckpoint.State state() {
        Map<String, NDArray> teacherOwn = new LinkedHashMap<>(teacher.parameters());
        teacherOwn.keySet().removeAll(teacher.sharedNames());
        return new TrainingCheckpoint.State(step, modelName, modality.architecture(), trainable, teacherOwn,
                optimizer.firstMoments(), optimizer.secondMoments());
    }

    /** The teacher's targets for the whole batch, without gradient (§3.3). */
    private NDArray targets(NDManager scratch, B batch) {
        Data2VecEncoder.LayerOutputs out = teacher.layerOutputs(scratch, batch, config.targetLayer());
        return TargetBuilder.build(out.layers(), topK, modality.targetNorm(), out.validMask());
    }

    /** The regression loss of an encoder's prediction from the masked batch, at the masked positions only. */
    private NDArray loss(Data2VecEncoder<B, M> encoder, NDManager scratch, B batch, M mask, NDArray targets,
            Dropout dropout) {
        NDArray hidden = encoder.maskedLastHiddenState(scratch, batch, mask, dropout);
        NDArray positions = modality.lossPositions(scratch, batch, mask);
        return loss.mean(head.apply(hidden), targets, positions, modality.maskedCount(mask));
    }

    private void requireBatch(List<I> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        if (inputs.isEmpty() || inputs.size() > config.batchSize()) {
            throw new IllegalArgumentException("a step takes 1 to batchSize=" + config.batchSize() + " "
                    + modality().folderName() + " inputs, got " + inputs.size());
        }
    }

    /** Every public operation starts here: on an open trainer, with this thread's grad mode off. */
    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("trainer of " + modelName + " is closed");
        }
        // One thread at a time drives a trainer, but not always the same one (made on one thread,
        // trained on a worker's); libtorch's grad mode is per thread.
        DjlEnvironment.gradientsOffOnThisThread();
    }

    private static double elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }
}
