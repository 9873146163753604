package io.d2vstreams.trainer.audio.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioParameters;
import io.d2vstreams.runtime.audio.AudioPreprocessor;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.audio.OverLengthPolicy;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import io.d2vstreams.trainer.TrainerConfig;
import io.d2vstreams.trainer.audio.AudioBatch;
import io.d2vstreams.trainer.audio.AudioData2VecModel;
import io.d2vstreams.trainer.internal.Data2VecEncoder;
import io.d2vstreams.trainer.internal.ModelEncoder;
import io.d2vstreams.trainer.internal.Data2VecModality;
import io.d2vstreams.trainer.internal.Dropout;
import io.d2vstreams.trainer.internal.NdTensors;
import io.d2vstreams.trainer.internal.OnnxParity;
import io.d2vstreams.trainer.internal.Seeds;
import io.d2vstreams.trainer.internal.TargetBuilder;
import io.d2vstreams.trainer.internal.TrainingCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * data2vec audio (Baevski et al. 2022, §4.2) as a {@link Data2VecModality}: encoded clips (WAV)
 * preprocessed exactly as the serving side does with the version's own
 * {@code preprocessor_config.json} (decode, mono, resample, normalise; at least the feature
 * encoder's receptive field, as {@code AudioEncoder} requires), except that a clip longer than
 * {@link TrainerConfig#maxAudioSeconds()} is cropped to its start instead of refused, so one long
 * recording costs a bounded step. A clip that cannot be preprocessed (corrupt, unsupported,
 * too short) is left out of the batch and counted ({@link #skippedInputs}), never failing the
 * step: training samples are a sample of a stream whose bad records the pipeline dead-letters,
 * and the trainer should not stop on one. Frames are span-masked ({@link SpanMasker}, p = 0.065,
 * spans of 10) within each clip's valid frames and replaced by the learned
 * {@code masked_spec_embed} in the student ({@link AudioData2VecModel}); the targets are the
 * teacher's top-K layer outputs under instance norm over the valid frames. With
 * {@link TrainerConfig#teacherSharesEmbeddings()} the teacher shares the feature encoder, the
 * feature projection and the positional convolutions ({@link AudioParameters#isFeatureEncoder});
 * {@link TrainerConfig#audioBuilder()} turns it off, so the teacher keeps its own EMA copy of
 * them (see there why). The mask embedding is training-only:
 * checkpointed with the student, never exported.
 */
public final class AudioModality implements Data2VecModality<byte[], AudioModality.Clips, SpanMasker.BatchMask> {

    private static final Logger LOG = LoggerFactory.getLogger(AudioModality.class);

    /**
     * The clips of one batch that could be preprocessed, and how many could not.
     *
     * @param batch the usable clips' {@code input_values}, null when none was usable
     * @param skipped inputs left out
     */
    public record Clips(AudioBatch batch, int skipped) {

        /** The usable clips; refuses a batch whose every clip was left out. */
        AudioBatch require() {
            if (batch == null) {
                throw new IllegalArgumentException("none of the " + skipped + " clips could be preprocessed");
            }
            return batch;
        }
    }

    private final AudioEncoderConfig audioConfig;
    private final AudioPreprocessorConfig preprocessing;
    private final AudioPreprocessor preprocessor;
    private final SpanMasker masker;
    private final double maxSeconds;
    private final long seed;

    /**
     * @param preprocessing the version's serving preprocessing, which exports keep
     * @throws IllegalArgumentException when the training limits do not fit the preprocessing
     */
    public AudioModality(AudioEncoderConfig audioConfig, AudioPreprocessorConfig preprocessing, TrainerConfig config) {
        this.audioConfig = Objects.requireNonNull(audioConfig, "audioConfig");
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        this.maxSeconds = config.maxAudioSeconds();
        this.preprocessor = new AudioPreprocessor(trainingPreprocessing(preprocessing, audioConfig, maxSeconds));
        this.masker = new SpanMasker(config.maskProb(), config.maskSpanLength(), config.minMaskSpans());
        this.seed = config.seed();
    }

    /**
     * The serving preprocessing with two training limits: at least the receptive field (what
     * {@code AudioEncoder} enforces when it opens a version) and over-long clips cropped at
     * {@code maxSeconds}.
     */
    static AudioPreprocessorConfig trainingPreprocessing(AudioPreprocessorConfig serving, AudioEncoderConfig model,
            double maxSeconds) {
        AudioPreprocessorConfig cropped = serving.withMaxSeconds(maxSeconds, OverLengthPolicy.CROP);
        return cropped.minSamples() >= model.receptiveField() ? cropped : cropped.withMinSamples(model.receptiveField());
    }

    public AudioEncoderConfig audioConfig() {
        return audioConfig;
    }

    @Override
    public Modality modality() {
        return Modality.AUDIO;
    }

    @Override
    public int hiddenSize() {
        return audioConfig.hiddenSize();
    }

    @Override
    public int numHiddenLayers() {
        return audioConfig.numHiddenLayers();
    }

    /** data2vec §3.3: instance norm over time for speech, over each clip's valid frames. */
    @Override
    public TargetBuilder.Norm targetNorm() {
        return TargetBuilder.Norm.INSTANCE;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "sampling_rate=%d max_seconds=%s span_start_prob=%s span_length=%d min_spans=%d",
                preprocessing.samplingRate(), maxSeconds, masker.startProb(), masker.spanLength(), masker.minSpans());
    }

    @Override
    public Data2VecEncoder<Clips, SpanMasker.BatchMask> student(NDManager parent, TensorBundle weights) {
        return new Encoder(AudioData2VecModel.forTraining(parent, audioConfig, weights, maskEmbedInit()));
    }

    /** The other encoder borrows the student's {@code masked_spec_embed}: exports carry none (see {@link AudioData2VecModel}). */
    @Override
    public Data2VecEncoder<Clips, SpanMasker.BatchMask> standIn(NDManager parent, TensorBundle weights,
            Data2VecEncoder<Clips, SpanMasker.BatchMask> student) {
        TensorBundle withEmbed = NdTensors.withTensor(weights, AudioParameters.MASK_EMBED,
                student.parameters().get(AudioParameters.MASK_EMBED));
        return new Encoder(AudioData2VecModel.forTraining(parent, audioConfig, withEmbed, maskEmbedInit()));
    }

    @Override
    public boolean sharedWithTeacher(String parameterName) {
        return AudioParameters.isFeatureEncoder(parameterName);
    }

    /**
     * The {@code input_values} of the clips that preprocess, as the serving side makes them
     * (cropped at the training maximum); the others are left out with a WARN naming the reason.
     */
    @Override
    public Clips batch(List<byte[]> inputs) {
        List<float[]> clips = new ArrayList<>(inputs.size());
        int skipped = 0;
        for (int i = 0; i < inputs.size(); i++) {
            try {
                clips.add(preprocessor.preprocess(inputs.get(i)));
            } catch (PreprocessException e) {
                skipped++;
                LOG.warn("event=trainer_input_skipped modality=AUDIO index={} reason=\"{}\"", i, e.getMessage());
            }
        }
        return new Clips(clips.isEmpty() ? null : AudioBatch.of(clips), skipped);
    }

    /** The reason preprocessing refuses the clip, as {@link #batch} would. */
    @Override
    public Optional<String> rejectReason(byte[] input) {
        return preprocessor.rejectReason(input);
    }

    @Override
    public int skippedInputs(Clips clips) {
        return clips.skipped();
    }

    /** Nothing masked when no clip was usable, so the step is skipped. */
    @Override
    public SpanMasker.BatchMask mask(Clips clips, SplittableRandom random) {
        if (clips.batch() == null) {
            return new SpanMasker.BatchMask(new float[0], 0);
        }
        AudioBatch batch = clips.batch();
        return masker.maskBatch(batch.validFrames(audioConfig), batch.frames(audioConfig), random);
    }

    @Override
    public int maskedCount(SpanMasker.BatchMask mask) {
        return mask.count();
    }

    /** The masked frames; padding never counts. */
    @Override
    public NDArray lossPositions(NDManager scope, Clips clips, SpanMasker.BatchMask mask) {
        AudioBatch batch = clips.require();
        return scope.create(mask.values(), new Shape(batch.clips(), batch.frames(audioConfig)));
    }

    @Override
    public float[] onnxLastHiddenState(byte[] onnxModel, Clips clips) {
        return servingLastHiddenState(onnxModel, clips.require());
    }

    /**
     * {@code last_hidden_state} of an audio {@code model.onnx} on ONNX Runtime for the clips
     * (zero-padded, with their {@code attention_mask}), row-major {@code [clips, frames, hidden]}.
     */
    public static float[] servingLastHiddenState(byte[] onnxModel, AudioBatch batch) {
        long[] shape = batch.shape();
        return OnnxParity.lastHiddenState(onnxModel, Map.of(
                AudioSpec.INPUT_VALUES, OnnxParity.Feed.floats(batch.values(), shape),
                AudioSpec.ATTENTION_MASK, OnnxParity.Feed.longs(batch.attentionMask(), shape)));
    }

    /** With the serving preprocessing it was opened with (not the training crop); without the mask embedding. */
    @Override
    public ModelManifest export(ModelStore store, String modelName, TensorBundle encoderWeights) {
        return store.add(AudioSpec.INSTANCE, modelName, audioConfig, encoderWeights, preprocessing);
    }

    @Override
    public TrainingCheckpoint.Architecture architecture() {
        return TrainingCheckpoint.Architecture.audio(audioConfig, preprocessing);
    }

    private SplittableRandom maskEmbedInit() {
        return Seeds.random(seed, Seeds.MASK_TOKEN_INIT, 0);
    }

    /** {@link AudioData2VecModel} as the core trains it: the student hears masked frames as {@code masked_spec_embed}. */
    private static final class Encoder extends ModelEncoder<AudioData2VecModel, Clips, SpanMasker.BatchMask> {

        Encoder(AudioData2VecModel model) {
            super(model);
        }

        @Override
        public Data2VecEncoder<Clips, SpanMasker.BatchMask> teacherCopy(NDManager parent, Predicate<String> share) {
            return new Encoder(model().copy(parent, share));
        }

        @Override
        public NDArray maskedLastHiddenState(NDManager scope, Clips clips, SpanMasker.BatchMask mask, Dropout dropout) {
            return model().forward(scope, clips.require(), mask.values(), dropout).lastHiddenState();
        }

        /** With the valid-frame mask: padding stays out of the instance norm's statistics. */
        @Override
        public LayerOutputs layerOutputs(NDManager scope, Clips clips, TrainerConfig.TargetLayer kind) {
            AudioData2VecModel.Output out = model().forward(scope, clips.require());
            return new LayerOutputs(kind == TrainerConfig.TargetLayer.FFN_OUTPUT ? out.ffnOutputs() : out.blockOutputs(),
                    out.validMask());
        }

        @Override
        public NDArray lastHiddenState(NDManager scope, Clips clips) {
            return model().forward(scope, clips.require()).lastHiddenState();
        }
    }
}
