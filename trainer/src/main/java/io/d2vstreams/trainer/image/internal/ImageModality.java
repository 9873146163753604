package io.d2vstreams.trainer.image.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.runtime.image.ImagePreprocessor;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.image.ImageBatch;
import io.d2vstreams.trainer.image.ImageData2VecModel;
import io.d2vstreams.trainer.internal.Data2VecEncoder;
import io.d2vstreams.trainer.internal.ModelEncoder;
import io.d2vstreams.trainer.internal.Data2VecModality;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.NdTensors;
import io.d2vstreams.trainer.internal.OnnxParity;
import io.d2vstreams.trainer.internal.Seeds;
import io.d2vstreams.trainer.internal.TargetBuilder;
import io.d2vstreams.trainer.internal.TrainingCheckpoint;
import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * data2vec vision (Baevski et al. 2022, §4.1) as a {@link Data2VecModality}: encoded images
 * preprocessed exactly as the serving side does with the version's own
 * {@code preprocessor_config.json}, about 60 % of the patches masked in BEiT-style blocks
 * ({@link BlockMasker}) and replaced by a learned mask token in the student, the BEiT-style
 * {@link ImageData2VecModel}, targets under a parameter-free layer norm, the embeddings shared
 * with the teacher. The mask token is training-only: checkpointed with the student, never exported.
 */
public final class ImageModality implements Data2VecModality<byte[], ImageBatch, BlockMasker.BatchMask> {

    private final ImageEncoderConfig imageConfig;
    private final ImagePreprocessorConfig preprocessing;
    private final ImagePreprocessor preprocessor;
    private final BlockMasker masker;
    private final long seed;

    /**
     * @throws IllegalArgumentException when the preprocessing does not make images of the model's size
     */
    public ImageModality(ImageEncoderConfig imageConfig, ImagePreprocessorConfig preprocessing, TrainerConfig config) {
        this.imageConfig = Objects.requireNonNull(imageConfig, "imageConfig");
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        preprocessing.requireImageSize(imageConfig.imageSize());
        this.preprocessor = new ImagePreprocessor(preprocessing);
        this.masker = BlockMasker.forGrid(imageConfig.patchesPerSide(), config.maskProb());
        this.seed = config.seed();
    }

    public ImageEncoderConfig imageConfig() {
        return imageConfig;
    }

    @Override
    public Modality modality() {
        return Modality.IMAGE;
    }

    @Override
    public int hiddenSize() {
        return imageConfig.hiddenSize();
    }

    @Override
    public int numHiddenLayers() {
        return imageConfig.numHiddenLayers();
    }

    @Override
    public TargetBuilder.Norm targetNorm() {
        return TargetBuilder.Norm.LAYER;
    }

    @Override
    public String describe() {
        return "image_size=" + imageConfig.imageSize() + " patches=" + imageConfig.numPatches() + " mask_target="
                + masker.targetCount();
    }

    @Override
    public Data2VecEncoder<ImageBatch, BlockMasker.BatchMask> student(NDManager parent, TensorBundle weights) {
        return new Encoder(ImageData2VecModel.forTraining(parent, imageConfig, weights, maskTokenInit()));
    }

    /** The other encoder borrows the student's mask token: exports carry none (see {@link ImageData2VecModel}). */
    @Override
    public Data2VecEncoder<ImageBatch, BlockMasker.BatchMask> standIn(NDManager parent, TensorBundle weights,
            Data2VecEncoder<ImageBatch, BlockMasker.BatchMask> student) {
        TensorBundle withMask = NdTensors.withTensor(weights, ImageParameters.MASK_TOKEN,
                student.parameters().get(ImageParameters.MASK_TOKEN));
        return new Encoder(ImageData2VecModel.forTraining(parent, imageConfig, withMask, maskTokenInit()));
    }

    @Override
    public boolean sharedWithTeacher(String parameterName) {
        return ImageParameters.isFeatureEncoder(parameterName);
    }

    /** BEiT's exemptions: the CLS and mask tokens and the position tables. */
    @Override
    public Set<String> noWeightDecay(Set<String> trainable) {
        return beitNoWeightDecay(trainable);
    }

    /**
     * The parameters among {@code names} that BEiT and data2vec vision exempt from weight decay
     * besides the rank-1 ones: the CLS and mask tokens, the absolute position embeddings and the
     * relative position bias tables (BEiT's {@code no_weight_decay()} and the
     * {@code relative_position_bias_table} rule of its optimizer factory). Decaying them would pull
     * learned positions and tokens towards zero over a long continual run.
     */
    public static Set<String> beitNoWeightDecay(Collection<String> names) {
        Set<String> exempt = new LinkedHashSet<>();
        for (String name : names) {
            if (name.equals(ImageParameters.CLS_TOKEN) || name.equals(ImageParameters.MASK_TOKEN)
                    || name.equals(ImageParameters.POSITION) || name.endsWith("relative_position_bias_table")) {
                exempt.add(name);
            }
        }
        return exempt;
    }

    /** The {@code pixel_values} of encoded images, preprocessed as the serving side does. */
    @Override
    public ImageBatch batch(List<byte[]> images) {
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
        return new ImageBatch(values, images.size(), imageConfig.numChannels(), imageConfig.imageSize());
    }

    /**
     * The reason preprocessing refuses the image (corrupt, a header declaring too many pixels,
     * an unsupported format), as {@link #batch} would. The worker asks on arrival and sets such a
     * sample aside, so that the batches, which refuse a bad image whole, never get one: the
     * sampling topology samples inline content before the pipeline validates it, so a stream's
     * corrupt images reach the trainer too. Costs one extra preprocessing per sample.
     */
    @Override
    public Optional<String> rejectReason(byte[] input) {
        return preprocessor.rejectReason(input);
    }

    @Override
    public BlockMasker.BatchMask mask(ImageBatch batch, SplittableRandom random) {
        return masker.maskBatch(batch.images(), random);
    }

    @Override
    public int maskedCount(BlockMasker.BatchMask mask) {
        return mask.count();
    }

    /** The masked patches; the CLS position never counts. */
    @Override
    public NDArray lossPositions(NDManager scope, ImageBatch batch, BlockMasker.BatchMask mask) {
        return scope.create(withClsColumn(mask.values(), batch.images()),
                new Shape(batch.images(), imageConfig.sequenceLength()));
    }

    @Override
    public float[] onnxLastHiddenState(byte[] onnxModel, ImageBatch batch) {
        return servingLastHiddenState(onnxModel, batch);
    }

    /** {@code last_hidden_state} of an image {@code model.onnx} on ONNX Runtime, row-major {@code [images, 1 + patches, hidden]}. */
    public static float[] servingLastHiddenState(byte[] onnxModel, ImageBatch batch) {
        return OnnxParity.lastHiddenState(onnxModel, Map.of(ImageSpec.PIXEL_VALUES, OnnxParity.Feed.floats(batch.values(), batch.shape())));
    }

    /** With the preprocessing it was trained with; without the mask token. */
    @Override
    public ModelManifest export(ModelStore store, String modelName, TensorBundle encoderWeights) {
        return store.add(ImageSpec.INSTANCE, modelName, imageConfig, encoderWeights, preprocessing);
    }

    @Override
    public TrainingCheckpoint.Architecture architecture() {
        return TrainingCheckpoint.Architecture.image(imageConfig, preprocessing);
    }

    private SplittableRandom maskTokenInit() {
        return Seeds.random(seed, Seeds.MASK_TOKEN_INIT, 0);
    }

    /** {@code [images, patches]} → {@code [images, 1 + patches]} with a 0 for every CLS token. */
    private float[] withClsColumn(float[] patchMask, int images) {
        int patches = imageConfig.numPatches();
        float[] out = new float[images * (patches + 1)];
        for (int i = 0; i < images; i++) {
            System.arraycopy(patchMask, i * patches, out, i * (patches + 1) + 1, patches);
        }
        return out;
    }

    /** {@link ImageData2VecModel} as the core trains it: the student sees masked patches as the mask token. */
    private static final class Encoder extends ModelEncoder<ImageData2VecModel, ImageBatch, BlockMasker.BatchMask> {

        Encoder(ImageData2VecModel model) {
            super(model);
        }

        @Override
        public Data2VecEncoder<ImageBatch, BlockMasker.BatchMask> teacherCopy(NDManager parent, Predicate<String> share) {
            return new Encoder(model().copy(parent, share));
        }

        @Override
        public NDArray maskedLastHiddenState(NDManager scope, ImageBatch batch, BlockMasker.BatchMask mask,
                Dropout dropout) {
            return model().forward(scope, batch, mask.values(), dropout).lastHiddenState();
        }

        /** No valid mask: every image fills every patch. */
        @Override
        public LayerOutputs layerOutputs(NDManager scope, ImageBatch batch, TrainerConfig.TargetLayer kind) {
            ImageData2VecModel.Output out = model().forward(scope, batch);
            return new LayerOutputs(kind == TrainerConfig.TargetLayer.FFN_OUTPUT ? out.ffnOutputs() : out.blockOutputs(),
                    null);
        }

        @Override
        public NDArray lastHiddenState(NDManager scope, ImageBatch batch) {
            return model().forward(scope, batch).lastHiddenState();
        }
    }
}
