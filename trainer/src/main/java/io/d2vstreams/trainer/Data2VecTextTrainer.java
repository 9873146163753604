package io.d2vstreams.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.TextEncoderConfig;
import io.d2vstreams.trainer.internal.AdamW;
import io.d2vstreams.trainer.internal.DjlEnvironment;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.Ema;
import io.d2vstreams.trainer.internal.Gradients;
import io.d2vstreams.trainer.internal.LearningRateSchedule;
import io.d2vstreams.trainer.internal.MaskedBatch;
import io.d2vstreams.trainer.internal.OnnxParity;
import io.d2vstreams.trainer.internal.RegressionHead;
import io.d2vstreams.trainer.internal.RegressionLoss;
import io.d2vstreams.trainer.internal.Seeds;
import io.d2vstreams.trainer.internal.SpecialTokens;
import io.d2vstreams.trainer.internal.TargetBuilder;
import io.d2vstreams.trainer.internal.TauSchedule;
import io.d2vstreams.trainer.internal.TextMasker;
import io.d2vstreams.trainer.internal.TextParameters;
import io.d2vstreams.trainer.internal.TextTokenizer;
import io.d2vstreams.trainer.internal.VersionFiles;
import io.d2vstreams.trainer.internal.TrainingCheckpoint;
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
 * Continual data2vec training of a text encoder (Baevski et al. 2022): a student encoder sees
 * BERT-masked text, an EMA teacher encodes the same text unmasked, and a regression head on the
 * student predicts, at the masked positions, the average of the teacher's top-K normalised layer
 * outputs. A library API with no Kafka in it: a consumer loop feeds {@link #step} with batches
 * of texts, {@link #checkpoint} makes the run resumable (its {@code extra} map carries the
 * consumer offsets), and {@link #exportTo} publishes the student as a new model-store version.
 *
 * <p>Not thread-safe: one thread drives a trainer. Every native array a step creates is freed
 * before the step returns; {@link #close()} frees the models.
 */
public final class Data2VecTextTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Data2VecTextTrainer.class);

    private final String modelName;
    private final TextEncoderConfig textConfig;
    private final TrainerConfig config;
    private final byte[] tokenizerJson;
    private final Engine engine;
    private final NDManager manager;
    private final TextData2VecModel student;
    private final TextData2VecModel teacher;
    private final RegressionHead head;
    private final Map<String, NDArray> trainable;
    private final AdamW optimizer;
    private final TextTokenizer tokenizer;
    private final TextMasker masker;
    private final RegressionLoss loss;
    private final TauSchedule tauSchedule;
    private final LearningRateSchedule lrSchedule;
    private long step;
    private boolean closed;

    private Data2VecTextTrainer(String modelName, TextEncoderConfig textConfig, TensorBundle weights, byte[] tokenizerJson,
            TrainerConfig config) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.textConfig = Objects.requireNonNull(textConfig, "textConfig");
        this.config = Objects.requireNonNull(config, "config");
        this.tokenizerJson = tokenizerJson.clone();
        SpecialTokens specials = SpecialTokens.fromTokenizerJson(tokenizerJson);
        this.masker = new TextMasker(config.maskProb(), config.maskTokenProb(), config.randomTokenProb(), specials,
                textConfig.vocabSize());
        this.loss = new RegressionLoss(
                config.loss() == TrainerConfig.Loss.L2 ? RegressionLoss.Kind.L2 : RegressionLoss.Kind.SMOOTH_L1,
                config.lossBeta(),
                config.lossScale() > 0 ? config.lossScale() : 1 / Math.sqrt(textConfig.hiddenSize()));
        this.tauSchedule = new TauSchedule(config.tauStart(), config.tauEnd(), config.tauAnnealSteps());
        this.lrSchedule = new LearningRateSchedule(config.learningRate(), config.warmupSteps(), config.totalSteps(),
                config.minLearningRate(), config.lrSchedule() == TrainerConfig.LrSchedule.COSINE);

        this.engine = DjlEnvironment.pytorch();
        DjlEnvironment.gradientsOffOnThisThread();
        this.manager = engine.newBaseManager(DjlEnvironment.device(engine, config.device()));
        TextTokenizer openedTokenizer = null;
        try {
            this.student = TextData2VecModel.fromWeights(manager, textConfig, weights);
            this.teacher = student.copy(manager,
                    name -> config.teacherSharesEmbeddings() && name.startsWith(TextParameters.EMBEDDINGS_PREFIX));
            this.head = RegressionHead.create(manager.newSubManager(), textConfig.hiddenSize(),
                    Seeds.random(config.seed(), Seeds.HEAD_INIT, 0));
            Map<String, NDArray> params = new LinkedHashMap<>(student.parameters());
            params.putAll(head.parameters());
            params.values().forEach(p -> p.setRequiresGradient(true));
            this.trainable = Collections.unmodifiableMap(params);
            this.optimizer = new AdamW(manager, trainable, config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                    config.weightDecay());
            openedTokenizer = TextTokenizer.open(tokenizerJson, Math.min(config.maxTokens(), textConfig.maxTokens()),
                    textConfig.padTokenId());
            this.tokenizer = openedTokenizer;
        } catch (RuntimeException e) {
            if (openedTokenizer != null) {
                openedTokenizer.close();
            }
            manager.close();
            throw e;
        }
        LOG.info("event=trainer_started modality=TEXT model={} parameters={} device={} batch={} max_tokens={} top_k={}",
                modelName, weights.parameterCount(), manager.getDevice(), config.batchSize(),
                Math.min(config.maxTokens(), textConfig.maxTokens()), effectiveTopK());
    }

    /**
     * A trainer that continues from a TEXT version of the store (its weights, config and
     * tokenizer, all checked against the manifest's checksums); exports keep the version's name.
     *
     * @throws IllegalArgumentException when the version is not a usable text model
     */
    public static Data2VecTextTrainer fromStore(ModelStore store, ModelManifest base, TrainerConfig config) {
        if (base.modality() != Modality.TEXT) {
            throw new IllegalArgumentException(base.id() + " is a " + base.modality() + " model, not a TEXT one");
        }
        TextEncoderConfig textConfig = TextEncoderConfig.fromHuggingFace(base.config());
        byte[] tokenizer = VersionFiles.read(base, ModelStore.TOKENIZER_FILE);
        return new Data2VecTextTrainer(base.name(), textConfig, store.readWeights(base), tokenizer, config);
    }

    /** A trainer over weights held in memory (Hugging Face names) and a {@code tokenizer.json}. */
    public static Data2VecTextTrainer fromWeights(String modelName, TextEncoderConfig textConfig, TensorBundle weights,
            byte[] tokenizerJson, TrainerConfig config) {
        return new Data2VecTextTrainer(modelName, textConfig, weights, tokenizerJson, config);
    }

    /**
     * One data2vec update on a batch of texts: mask, teacher targets, student loss, backward,
     * clip, AdamW, then the teacher's EMA update with this step's τ.
     *
     * @param texts between 1 and {@code batchSize} texts
     * @throws IllegalArgumentException when the batch is empty or too large
     */
    public StepResult step(List<String> texts) {
        requireOpen();
        requireBatch(texts);
        long started = System.nanoTime();
        long next = step + 1;
        TextBatch batch = tokenizer.batch(texts);
        MaskedBatch masked = masker.mask(batch, Seeds.random(config.seed(), Seeds.MASKING, next));
        double lr = lrSchedule.at(next);
        double tau = tauSchedule.at(next);
        if (masked.selectedCount() == 0) {
            return new StepResult(step, Double.NaN, lr, tau, elapsedMs(started), Double.NaN, 0, false);
        }
        Dropout dropout = Dropout.of(config.hiddenDropout(), config.attentionDropout(),
                Seeds.random(config.seed(), Seeds.DROPOUT, next));
        double lossValue;
        double gradNorm;
        try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray targets = targets(scratch, batch);
            NDArray lossArray = Gradients.recordAndBackward(engine,
                    () -> studentLoss(scratch, batch, masked, targets, dropout));
            lossValue = lossArray.getFloat();
            gradNorm = Gradients.clipByGlobalNorm(trainable.values(), config.clipNorm());
            if (!Double.isFinite(lossValue) || !Double.isFinite(gradNorm)) {
                Gradients.zero(trainable.values());
                LOG.warn("event=trainer_step_skipped model={} step={} loss={} grad_norm={} reason=\"not finite\"",
                        modelName, next, lossValue, gradNorm);
                return new StepResult(step, lossValue, lr, tau, elapsedMs(started), gradNorm, masked.selectedCount(), false);
            }
            optimizer.update(trainable, lr, next);
            Gradients.zero(trainable.values());
            // fairseq updates the teacher after the optimizer step, with the decay of the new update count.
            Ema.update(teacher.parameters(), student.parameters(), tau, teacher.sharedNames());
        }
        step = next;
        return new StepResult(step, lossValue, lr, tau, elapsedMs(started), gradNorm, masked.selectedCount(), true);
    }

    /**
     * The data2vec loss of the current student (no dropout) against the current teacher's targets
     * on held-out texts, masked with a fixed seed so that every call, and every model, sees the
     * same masks; nothing is updated. The mean over all masked positions, NaN when none could be
     * masked.
     */
    public double heldOutLoss(List<String> texts) {
        requireOpen();
        return heldOutLoss(texts, student);
    }

    /**
     * The same measurement as {@link #heldOutLoss(List)} with another encoder's weights in the
     * student's place (an earlier version of this model, say): the same teacher targets, the same
     * masks and this trainer's regression head, so the two numbers differ only by the encoder.
     *
     * @throws IllegalArgumentException when the weights do not fit this trainer's architecture
     */
    public double heldOutLoss(List<String> texts, TensorBundle encoderWeights) {
        requireOpen();
        try (TextData2VecModel other = TextData2VecModel.fromWeights(manager, textConfig, encoderWeights)) {
            return heldOutLoss(texts, other);
        }
    }

    private double heldOutLoss(List<String> texts, TextData2VecModel model) {
        double sum = 0;
        long count = 0;
        for (int from = 0, chunk = 0; from < texts.size(); from += config.batchSize(), chunk++) {
            TextBatch batch = tokenizer.batch(texts.subList(from, Math.min(texts.size(), from + config.batchSize())));
            MaskedBatch masked = masker.mask(batch, Seeds.random(config.seed(), Seeds.HELD_OUT, chunk));
            if (masked.selectedCount() == 0) {
                continue;
            }
            try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray targets = targets(scratch, batch);
                double mean = loss(model, scratch, batch, masked, targets, Dropout.none()).getFloat();
                sum += mean * masked.selectedCount();
                count += masked.selectedCount();
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * Publishes the student encoder (not the teacher, not the regression head) as the next TEXT
     * version of the store, with the tokenizer it was trained with.
     */
    public ModelManifest exportTo(ModelStore store) {
        requireOpen();
        ModelManifest manifest = store.addText(modelName, textConfig, student.toBundle(), tokenizerJson);
        LOG.info("event=trainer_exported modality=TEXT model={} version={} step={}", modelName, manifest.version(), step);
        return manifest;
    }

    /**
     * The largest absolute difference between the student's {@code last_hidden_state} on DJL and
     * the exported version's {@code model.onnx} on ONNX Runtime for the probe texts: ≈ 1e-6 when
     * the version holds this student's weights, which is what a quality gate checks.
     */
    public double exportParity(ModelManifest version, List<String> probe) {
        requireOpen();
        requireBatch(probe);
        byte[] onnx = VersionFiles.read(version, ModelStore.MODEL_FILE);
        TextBatch batch = tokenizer.batch(probe);
        float[] trained;
        try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            trained = student.forward(scratch, batch).lastHiddenState().toFloatArray();
        }
        return OnnxParity.maxAbsDiff(trained, OnnxParity.lastHiddenState(onnx, batch));
    }

    /**
     * Writes student, teacher, regression head, optimizer moments and the step count under
     * {@code root} atomically (see {@link #restoreLatest}), keeping the newest
     * {@code checkpointsKept}.
     *
     * @param extra stored with the checkpoint and handed back on restore (consumer offsets)
     */
    public CheckpointInfo checkpoint(Path root, Map<String, String> extra) {
        requireOpen();
        CheckpointInfo info = TrainingCheckpoint.write(root, state(), extra, config.checkpointsKept());
        LOG.info("event=checkpoint_written modality=TEXT model={} step={} path={}", modelName, step, info.directory());
        return info;
    }

    /**
     * Continues from the newest usable checkpoint under {@code root}: weights, teacher, head,
     * optimizer moments and step count. An unreadable or damaged newest checkpoint is skipped
     * (with a WARN) for the one before it.
     *
     * @return the checkpoint restored, empty when {@code root} holds none
     * @throws IllegalStateException when checkpoints exist but none fits this trainer (another
     *     architecture or tokenizer, say), rather than silently starting over
     */
    public Optional<CheckpointInfo> restoreLatest(Path root) {
        requireOpen();
        Optional<TrainingCheckpoint.Restored> restored = TrainingCheckpoint.restoreLatest(root, state());
        restored.ifPresent(r -> {
            step = r.info().step();
            LOG.info("event=checkpoint_restored modality=TEXT model={} step={} path={}", modelName, step,
                    r.info().directory());
        });
        return restored.map(TrainingCheckpoint.Restored::info);
    }

    /** Updates applied so far (restored ones included). */
    public long completedSteps() {
        return step;
    }

    /** The student encoder's current weights under their Hugging Face names. */
    public TensorBundle studentWeights() {
        requireOpen();
        return student.toBundle();
    }

    /** The teacher encoder's current weights under their Hugging Face names (shared ones included). */
    public TensorBundle teacherWeights() {
        requireOpen();
        return teacher.toBundle();
    }

    public TextEncoderConfig textConfig() {
        return textConfig;
    }

    public TrainerConfig config() {
        return config;
    }

    public String modelName() {
        return modelName;
    }

    /** Native arrays this trainer holds between steps; constant across steps when nothing leaks. */
    int liveArrays() {
        return ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tokenizer.close();
        } finally {
            manager.close();
        }
    }

    private TrainingCheckpoint.State state() {
        Map<String, NDArray> teacherOwn = new LinkedHashMap<>(teacher.parameters());
        teacherOwn.keySet().removeAll(teacher.sharedNames());
        return new TrainingCheckpoint.State(step, modelName, TrainingCheckpoint.Architecture.text(textConfig, tokenizerJson),
                trainable, teacherOwn, optimizer.firstMoments(), optimizer.secondMoments());
    }

    /** The teacher's targets for the unmasked batch, without gradient. */
    private NDArray targets(NDManager scratch, TextBatch batch) {
        TextData2VecModel.Output out = teacher.forward(scratch, batch);
        List<NDArray> layers = config.targetLayer() == TrainerConfig.TargetLayer.FFN_OUTPUT
                ? out.ffnOutputs()
                : out.blockOutputs();
        return TargetBuilder.build(layers, effectiveTopK(), TargetBuilder.Norm.LAYER, null);
    }

    private NDArray studentLoss(NDManager scratch, TextBatch batch, MaskedBatch masked, NDArray targets, Dropout dropout) {
        return loss(student, scratch, batch, masked, targets, dropout);
    }

    private NDArray loss(TextData2VecModel encoder, NDManager scratch, TextBatch batch, MaskedBatch masked, NDArray targets,
            Dropout dropout) {
        NDArray hidden = encoder.forward(scratch, batch.withIds(masked.ids()), dropout).lastHiddenState();
        NDArray positions = scratch.create(masked.selected(), new Shape(batch.rows(), batch.cols()));
        return loss.mean(head.apply(hidden), targets, positions, masked.selectedCount());
    }

    private int effectiveTopK() {
        return Math.min(config.topK(), textConfig.numHiddenLayers());
    }

    private void requireBatch(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty() || texts.size() > config.batchSize()) {
            throw new IllegalArgumentException("a step takes 1 to batchSize=" + config.batchSize() + " texts, got "
                    + texts.size());
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
