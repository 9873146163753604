package io.d2vstreams.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.VisionEncoderConfig;
import io.d2vstreams.runtime.preprocess.ImagePreprocessor;
import io.d2vstreams.runtime.preprocess.ImagePreprocessorConfig;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.trainer.internal.AdamW;
import io.d2vstreams.trainer.internal.BlockMasker;
import io.d2vstreams.trainer.internal.DjlEnvironment;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.Ema;
import io.d2vstreams.trainer.internal.Gradients;
import io.d2vstreams.trainer.internal.LearningRateSchedule;
import io.d2vstreams.trainer.internal.OnnxParity;
import io.d2vstreams.trainer.internal.RegressionHead;
import io.d2vstreams.trainer.internal.RegressionLoss;
import io.d2vstreams.trainer.internal.Seeds;
import io.d2vstreams.trainer.internal.TargetBuilder;
import io.d2vstreams.trainer.internal.TauSchedule;
import io.d2vstreams.trainer.internal.TrainingCheckpoint;
import io.d2vstreams.trainer.internal.VersionFiles;
import io.d2vstreams.trainer.internal.VisionParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
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
 * Continual data2vec training of an image encoder (Baevski et al. 2022): the student encodes the
 * image with about 60 % of its patches replaced by a learned mask token in BEiT-style blocks, an
 * EMA teacher encodes the whole image, and a regression head on the student predicts, at the
 * masked patches, the average of the teacher's top-K layer outputs, each normalised with a
 * parameter-free layer norm (§3.3). The same library API as {@link Data2VecTextTrainer} with
 * encoded images (JPEG, PNG ...) in place of texts, preprocessed exactly as the serving side does
 * with the version's own {@code preprocessor_config.json}. Checkpoints hold the student (with its
 * mask token), the teacher, the regression head, AdamW's moments and the step count.
 *
 * <p>Not thread-safe: one thread drives a trainer. Every native array a step creates is freed
 * before the step returns; {@link #close()} frees the models.
 */
public final class Data2VecVisionTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Data2VecVisionTrainer.class);

    private final String modelName;
    private final VisionEncoderConfig visionConfig;
    private final ImagePreprocessorConfig preprocessing;
    private final ImagePreprocessor preprocessor;
    private final TrainerConfig config;
    private final Engine engine;
    private final NDManager manager;
    private final VisionData2VecModel student;
    private final VisionData2VecModel teacher;
    private final RegressionHead head;
    private final Map<String, NDArray> trainable;
    private final AdamW optimizer;
    private final BlockMasker masker;
    private final RegressionLoss loss;
    private final TauSchedule tauSchedule;
    private final LearningRateSchedule lrSchedule;
    private long step;
    private boolean closed;

    private Data2VecVisionTrainer(String modelName, VisionEncoderConfig visionConfig, TensorBundle weights,
            ImagePreprocessorConfig preprocessing, TrainerConfig config) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.visionConfig = Objects.requireNonNull(visionConfig, "visionConfig");
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        this.config = Objects.requireNonNull(config, "config");
        if (preprocessing.height() != visionConfig.imageSize() || preprocessing.width() != visionConfig.imageSize()) {
            throw new IllegalArgumentException("preprocessing makes " + preprocessing.width() + "x" + preprocessing.height()
                    + " images, the model takes image_size " + visionConfig.imageSize());
        }
        this.preprocessor = new ImagePreprocessor(preprocessing);
        this.masker = BlockMasker.forGrid(visionConfig.patchesPerSide(), config.maskProb());
        this.loss = new RegressionLoss(
                config.loss() == TrainerConfig.Loss.L2 ? RegressionLoss.Kind.L2 : RegressionLoss.Kind.SMOOTH_L1,
                config.lossBeta(),
                config.lossScale() > 0 ? config.lossScale() : 1 / Math.sqrt(visionConfig.hiddenSize()));
        this.tauSchedule = new TauSchedule(config.tauStart(), config.tauEnd(), config.tauAnnealSteps());
        this.lrSchedule = new LearningRateSchedule(config.learningRate(), config.warmupSteps(), config.totalSteps(),
                config.minLearningRate(), config.lrSchedule() == TrainerConfig.LrSchedule.COSINE);

        this.engine = DjlEnvironment.pytorch();
        DjlEnvironment.gradientsOffOnThisThread();
        this.manager = engine.newBaseManager(DjlEnvironment.device(engine, config.device()));
        try {
            this.student = VisionData2VecModel.forTraining(manager, visionConfig, weights,
                    Seeds.random(config.seed(), Seeds.MASK_TOKEN_INIT, 0));
            this.teacher = student.copy(manager,
                    name -> config.teacherSharesEmbeddings() && name.startsWith(VisionParameters.EMBEDDINGS_PREFIX));
            this.head = RegressionHead.create(manager.newSubManager(), visionConfig.hiddenSize(),
                    Seeds.random(config.seed(), Seeds.HEAD_INIT, 0));
            Map<String, NDArray> params = new LinkedHashMap<>(student.parameters());
            params.putAll(head.parameters());
            params.values().forEach(p -> p.setRequiresGradient(true));
            this.trainable = Collections.unmodifiableMap(params);
            this.optimizer = new AdamW(manager, trainable, config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                    config.weightDecay(), VisionParameters.noWeightDecay(trainable.keySet()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        LOG.info("event=trainer_started modality=IMAGE model={} parameters={} device={} batch={} image_size={} patches={}"
                        + " mask_target={} top_k={}",
                modelName, weights.parameterCount(), manager.getDevice(), config.batchSize(), visionConfig.imageSize(),
                visionConfig.numPatches(), masker.targetCount(), effectiveTopK());
    }

    /**
     * A trainer that continues from an IMAGE version of the store (its weights, config and
     * preprocessing, all checked against the manifest's checksums); exports keep the version's
     * name and preprocessing.
     *
     * @throws IllegalArgumentException when the version is not a usable vision model
     */
    public static Data2VecVisionTrainer fromStore(ModelStore store, ModelManifest base, TrainerConfig config) {
        if (base.modality() != Modality.IMAGE) {
            throw new IllegalArgumentException(base.id() + " is a " + base.modality() + " model, not an IMAGE one");
        }
        VisionEncoderConfig visionConfig = VisionEncoderConfig.fromHuggingFace(base.config());
        ImagePreprocessorConfig preprocessing;
        if (base.sha256ByFile().containsKey(ModelStore.PREPROCESSOR_FILE)) {
            try {
                preprocessing = ImagePreprocessorConfig.fromPreprocessorConfigJson(
                        VersionFiles.read(base, ModelStore.PREPROCESSOR_FILE), ModelStore.PREPROCESSOR_FILE);
            } catch (IOException e) {
                throw new UncheckedIOException(base.id() + ": " + ModelStore.PREPROCESSOR_FILE + " is unreadable", e);
            }
        } else {
            // What ModelStore.loadImage serves such a version with.
            preprocessing = ImagePreprocessorConfig.defaults().withSize(visionConfig.imageSize(), visionConfig.imageSize());
        }
        return new Data2VecVisionTrainer(base.name(), visionConfig, store.readWeights(base), preprocessing, config);
    }

    /** A trainer over weights held in memory (Hugging Face names) and the preprocessing to serve them with. */
    public static Data2VecVisionTrainer fromWeights(String modelName, VisionEncoderConfig visionConfig, TensorBundle weights,
            ImagePreprocessorConfig preprocessing, TrainerConfig config) {
        return new Data2VecVisionTrainer(modelName, visionConfig, weights, preprocessing, config);
    }

    /**
     * One data2vec update on a batch of encoded images: preprocess, block-mask, teacher targets,
     * student loss on the masked patches, backward, clip, AdamW, then the teacher's EMA update with
     * this step's τ.
     *
     * @param images between 1 and {@code batchSize} encoded images
     * @throws IllegalArgumentException when the batch is empty or too large, or an image cannot be
     *     preprocessed (naming it and the reason)
     */
    public StepResult step(List<byte[]> images) {
        requireOpen();
        requireBatch(images);
        long started = System.nanoTime();
        long next = step + 1;
        ImageBatch batch = pixels(images);
        BlockMasker.BatchMask mask = masker.maskBatch(batch.images(), Seeds.random(config.seed(), Seeds.MASKING, next));
        double lr = lrSchedule.at(next);
        double tau = tauSchedule.at(next);
        if (mask.count() == 0) {
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
                    () -> loss(student, scratch, batch, mask, targets, dropout));
            lossValue = lossArray.getFloat();
            gradNorm = Gradients.clipByGlobalNorm(trainable.values(), config.clipNorm());
            if (!Double.isFinite(lossValue) || !Double.isFinite(gradNorm)) {
                Gradients.zero(trainable.values());
                LOG.warn("event=trainer_step_skipped modality=IMAGE model={} step={} loss={} grad_norm={}"
                        + " reason=\"not finite\"", modelName, next, lossValue, gradNorm);
                return new StepResult(step, lossValue, lr, tau, elapsedMs(started), gradNorm, mask.count(), false);
            }
            optimizer.update(trainable, lr, next);
            Gradients.zero(trainable.values());
            // fairseq updates the teacher after the optimizer step, with the decay of the new update count.
            Ema.update(teacher.parameters(), student.parameters(), tau, teacher.sharedNames());
        }
        step = next;
        return new StepResult(step, lossValue, lr, tau, elapsedMs(started), gradNorm, mask.count(), true);
    }

    /**
     * The data2vec loss of the current student (no dropout) against the current teacher's targets
     * on held-out images, masked with a fixed seed so that every call, and every model, sees the
     * same masks; nothing is updated. The mean over all masked patches, NaN when none was masked.
     *
     * @throws IllegalArgumentException when an image cannot be preprocessed
     */
    public double heldOutLoss(List<byte[]> images) {
        requireOpen();
        return heldOutLoss(images, student);
    }

    /**
     * The same measurement as {@link #heldOutLoss(List)} with another encoder's weights in the
     * student's place (an earlier version, say): the same teacher targets, masks, mask token and
     * regression head, so the two numbers differ only by the encoder.
     *
     * @throws IllegalArgumentException when the weights do not fit this trainer's architecture
     */
    public double heldOutLoss(List<byte[]> images, TensorBundle encoderWeights) {
        requireOpen();
        // The other encoder borrows this student's mask token: exports carry none (see VisionData2VecModel).
        TensorBundle.Builder withMask = TensorBundle.builder();
        for (String name : encoderWeights.names()) {
            if (!name.equals(VisionParameters.MASK_TOKEN)) {
                withMask.put(name, encoderWeights.get(name).shape(), encoderWeights.get(name).data());
            }
        }
        withMask.put(VisionParameters.MASK_TOKEN, new long[] {1, 1, visionConfig.hiddenSize()},
                student.parameters().get(VisionParameters.MASK_TOKEN).toFloatArray());
        try (VisionData2VecModel other = VisionData2VecModel.forTraining(manager, visionConfig, withMask.build(),
                Seeds.random(config.seed(), Seeds.MASK_TOKEN_INIT, 0))) {
            return heldOutLoss(images, other);
        }
    }

    private double heldOutLoss(List<byte[]> images, VisionData2VecModel model) {
        double sum = 0;
        long count = 0;
        for (int from = 0, chunk = 0; from < images.size(); from += config.batchSize(), chunk++) {
            ImageBatch batch = pixels(images.subList(from, Math.min(images.size(), from + config.batchSize())));
            BlockMasker.BatchMask mask = masker.maskBatch(batch.images(), Seeds.random(config.seed(), Seeds.HELD_OUT, chunk));
            if (mask.count() == 0) {
                continue;
            }
            try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray targets = targets(scratch, batch);
                double mean = loss(model, scratch, batch, mask, targets, Dropout.none()).getFloat();
                sum += mean * mask.count();
                count += mask.count();
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * Publishes the student encoder (not the teacher, the regression head or the mask token) as
     * the next IMAGE version of the store, with the preprocessing it was trained with.
     */
    public ModelManifest exportTo(ModelStore store) {
        requireOpen();
        ModelManifest manifest = store.addImage(modelName, visionConfig, student.toBundle(), preprocessing);
        LOG.info("event=trainer_exported modality=IMAGE model={} version={} step={}", modelName, manifest.version(), step);
        return manifest;
    }

    /**
     * The largest absolute difference between the student's {@code last_hidden_state} on DJL and
     * the version's {@code model.onnx} on ONNX Runtime for the probe images (whole, unmasked):
     * ≈ 1e-6 when the version holds this student's weights, which is what a quality gate checks.
     */
    public double exportParity(ModelManifest version, List<byte[]> probe) {
        requireOpen();
        requireBatch(probe);
        byte[] onnx = VersionFiles.read(version, ModelStore.MODEL_FILE);
        ImageBatch batch = pixels(probe);
        float[] trained;
        try (NDScope scope = new NDScope(); NDManager scratch = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            trained = student.forward(scratch, batch).lastHiddenState().toFloatArray();
        }
        return OnnxParity.maxAbsDiff(trained, OnnxParity.lastHiddenState(onnx, batch));
    }

    /**
     * Writes student (mask token included), teacher, regression head, optimizer moments and the
     * step count under {@code root} atomically (see {@link #restoreLatest}), keeping the newest
     * {@code checkpointsKept}.
     *
     * @param extra stored with the checkpoint and handed back on restore (consumer offsets)
     */
    public CheckpointInfo checkpoint(Path root, Map<String, String> extra) {
        requireOpen();
        CheckpointInfo info = TrainingCheckpoint.write(root, state(), extra, config.checkpointsKept());
        LOG.info("event=checkpoint_written modality=IMAGE model={} step={} path={}", modelName, step, info.directory());
        return info;
    }

    /**
     * Continues from the newest usable checkpoint under {@code root}: weights, mask token,
     * teacher, head, optimizer moments and step count. An unreadable or damaged newest checkpoint
     * is skipped (with a WARN) for the one before it.
     *
     * @return the checkpoint restored, empty when {@code root} holds none
     * @throws IllegalStateException when checkpoints exist but none fits this trainer (another
     *     architecture or preprocessing, say), rather than silently starting over
     */
    public Optional<CheckpointInfo> restoreLatest(Path root) {
        requireOpen();
        Optional<TrainingCheckpoint.Restored> restored = TrainingCheckpoint.restoreLatest(root, state());
        restored.ifPresent(r -> {
            step = r.info().step();
            LOG.info("event=checkpoint_restored modality=IMAGE model={} step={} path={}", modelName, step,
                    r.info().directory());
        });
        return restored.map(TrainingCheckpoint.Restored::info);
    }

    /** Updates applied so far (restored ones included). */
    public long completedSteps() {
        return step;
    }

    /** The student encoder's current exported weights under their Hugging Face names. */
    public TensorBundle studentWeights() {
        requireOpen();
        return student.toBundle();
    }

    /** The teacher encoder's current weights under their Hugging Face names (shared ones included). */
    public TensorBundle teacherWeights() {
        requireOpen();
        return teacher.toBundle();
    }

    /** The {@code pixel_values} of encoded images, preprocessed as the serving side does. */
    ImageBatch pixels(List<byte[]> images) {
        int n = preprocessor.outputLength();
        float[] values = new float[images.size() * n];
        FloatBuffer out = FloatBuffer.wrap(values);
        for (int i = 0; i < images.size(); i++) {
            try {
                preprocessor.preprocessInto(images.get(i), out);
            } catch (PreprocessException e) {
                throw new IllegalArgumentException("image " + i + " of the batch cannot be preprocessed: " + e.getMessage(),
                        e);
            }
        }
        return new ImageBatch(values, images.size(), visionConfig.numChannels(), visionConfig.imageSize());
    }

    public VisionEncoderConfig visionConfig() {
        return visionConfig;
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
        manager.close();
    }

    private TrainingCheckpoint.State state() {
        Map<String, NDArray> teacherOwn = new LinkedHashMap<>(teacher.parameters());
        teacherOwn.keySet().removeAll(teacher.sharedNames());
        return new TrainingCheckpoint.State(step, modelName,
                TrainingCheckpoint.Architecture.vision(visionConfig, preprocessorJson(preprocessing)), trainable, teacherOwn,
                optimizer.firstMoments(), optimizer.secondMoments());
    }

    /** The preprocessing as {@code preprocessor_config.json}, which a restored checkpoint must match. */
    private static byte[] preprocessorJson(ImagePreprocessorConfig preprocessing) {
        try {
            return new ObjectMapper().writeValueAsBytes(preprocessing.toPreprocessorConfigJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the preprocessing as JSON: " + e.getMessage(), e);
        }
    }

    /** The teacher's targets for the whole images, without gradient (§3.3). */
    private NDArray targets(NDManager scratch, ImageBatch batch) {
        VisionData2VecModel.Output out = teacher.forward(scratch, batch);
        List<NDArray> layers = config.targetLayer() == TrainerConfig.TargetLayer.FFN_OUTPUT
                ? out.ffnOutputs()
                : out.blockOutputs();
        return TargetBuilder.build(layers, effectiveTopK(), TargetBuilder.Norm.LAYER, null);
    }

    /** The regression loss at the masked patches; the CLS position never counts. */
    private NDArray loss(VisionData2VecModel encoder, NDManager scratch, ImageBatch batch, BlockMasker.BatchMask mask,
            NDArray targets, Dropout dropout) {
        NDArray hidden = encoder.forward(scratch, batch, mask.values(), dropout).lastHiddenState();
        NDArray positions = scratch.create(withClsColumn(mask.values(), batch.images()),
                new Shape(batch.images(), visionConfig.sequenceLength()));
        return loss.mean(head.apply(hidden), targets, positions, mask.count());
    }

    /** {@code [images, patches]} → {@code [images, 1 + patches]} with a 0 for every CLS token. */
    private float[] withClsColumn(float[] patchMask, int images) {
        int patches = visionConfig.numPatches();
        float[] out = new float[images * (patches + 1)];
        for (int i = 0; i < images; i++) {
            System.arraycopy(patchMask, i * patches, out, i * (patches + 1) + 1, patches);
        }
        return out;
    }

    private int effectiveTopK() {
        return Math.min(config.topK(), visionConfig.numHiddenLayers());
    }

    private void requireBatch(List<byte[]> images) {
        Objects.requireNonNull(images, "images");
        if (images.isEmpty() || images.size() > config.batchSize()) {
            throw new IllegalArgumentException("a step takes 1 to batchSize=" + config.batchSize() + " images, got "
                    + images.size());
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
