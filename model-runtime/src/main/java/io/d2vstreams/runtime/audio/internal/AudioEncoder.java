package io.d2vstreams.runtime.audio.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.InputRejectedException;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.audio.AudioInfo;
import io.d2vstreams.runtime.audio.AudioPreprocessor;
import io.d2vstreams.runtime.audio.AudioPreprocessorConfig;
import io.d2vstreams.runtime.internal.BatchBuffers;
import io.d2vstreams.runtime.internal.LengthBuckets;
import io.d2vstreams.runtime.internal.MeanPooling;
import io.d2vstreams.runtime.internal.OrtEncoder;
import io.d2vstreams.runtime.internal.onnx.OrtSessions;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A data2vec audio encoder on ONNX Runtime: WAV bytes → {@link AudioPreprocessor} (decode,
 * mono, resample to the model's rate, normalise) → {@code input_values} and
 * {@code attention_mask}, zero-padded per model run → {@code last_hidden_state} → mean over the
 * clip's valid frames → L2.
 *
 * <p>Clips are preprocessed one after another into a reused staging buffer (their lengths are
 * known only then), grouped by length into runs of at most {@code maxBatch}, and copied into the
 * reused model-input buffer. A clip's valid frames are those of its own length under the
 * convolution formula ({@link AudioEncoderConfig#frames}), the same the graph derives its
 * attention mask from, so padding never enters the pooled vector: a clip embeds to the same
 * vector alone and in any batch (see {@link Data2VecAudioGraph} for the one place where that
 * needed care).
 */
public final class AudioEncoder extends OrtEncoder<byte[]> {

    private final AudioEncoderConfig config;
    private final AudioPreprocessor preprocessor;

    private AudioEncoder(ModelId id, AudioEncoderConfig config, AudioPreprocessor preprocessor, EncoderOptions options,
            OrtEnvironment env, OrtSessions.Opened opened) throws OrtException {
        super(id, options, env, opened);
        this.config = config;
        this.preprocessor = preprocessor;
        Map<String, NodeInfo> inputs = opened.session().getInputInfo();
        requireInput(inputs, Data2VecAudioGraph.INPUT_VALUES);
        // Without the mask a padded clip's frames would attend to padding: refuse rather than serve wrong vectors.
        requireInput(inputs, Data2VecAudioGraph.ATTENTION_MASK);
        requireOutputWidth(opened.session().getOutputInfo(), Data2VecAudioGraph.LAST_HIDDEN_STATE, config.hiddenSize(),
                "[batch, frames, " + config.hiddenSize() + "]");
    }

    /**
     * Opens the encoder over a verified model. Clips too short to make one frame (shorter than
     * the feature encoder's receptive field) are refused by preprocessing as TOO_SHORT, whatever
     * smaller minimum {@code preprocessing} asks for.
     *
     * @throws IllegalArgumentException when the model's inputs or outputs do not fit an audio encoder
     * @throws OrtException when ONNX Runtime cannot load the model
     */
    public static AudioEncoder open(ModelId id, AudioEncoderConfig config, byte[] onnxModel,
            AudioPreprocessorConfig preprocessing, EncoderOptions options) throws OrtException {
        AudioPreprocessorConfig effective = preprocessing.minSamples() >= config.receptiveField()
                ? preprocessing
                : preprocessing.withMinSamples(config.receptiveField());
        AudioPreprocessor preprocessor = new AudioPreprocessor(effective);
        return OrtSessions.openEncoder(onnxModel, options, id,
                (env, opened) -> new AudioEncoder(id, config, preprocessor, options, env, opened));
    }

    @Override
    public int dim() {
        return config.hiddenSize();
    }

    /**
     * Why the clip would be refused: the {@link PreprocessException}'s message. This decodes
     * and resamples the clip, so it costs as much as preprocessing it for {@link #embed}.
     */
    @Override
    public Optional<String> rejectReason(byte[] input) {
        return input == null ? Optional.of("audio is null") : preprocessor.rejectReason(input);
    }

    /**
     * Preprocesses every clip (a refused one stops the call, before any model run, with an
     * {@link InputRejectedException} naming its index), then runs length buckets.
     */
    @Override
    protected float[][] embedBatch(List<byte[]> inputs, BatchBuffers buf) {
        int n = inputs.size();
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        int staged = 0;
        for (int i = 0; i < n; i++) {
            byte[] clip = inputs.get(i);
            if (clip == null) {
                throw new NullPointerException("audio input " + i + " is null");
            }
            FloatBuffer staging = buf.staging(staged, preprocessor.maxOutputSamples());
            AudioInfo info;
            try {
                info = preprocessor.preprocessInto(clip, staging);
            } catch (PreprocessException e) {
                throw new InputRejectedException(i, "audio input " + i + " refused (" + e.reason() + "): "
                        + e.getMessage(), e);
            }
            offsets[i] = staged;
            lengths[i] = info.samples();
            staged += info.samples();
        }
        FloatBuffer samples = buf.staging(staged, 0);
        LengthBuckets.Plan plan = runs(lengths, options().maxBatch(), config);
        float[][] out = new float[n][];
        for (int[] bucket : plan.buckets()) {
            run(bucket, samples, offsets, lengths, buf, out);
        }
        countPositions(plan.realPositions(), plan.paddedPositions());
        return out;
    }

    /**
     * The model runs for clips of these sample counts. Lengths are in samples but the model's
     * cost is in frames, so the price of one more run is the buckets' default (in positions)
     * times the samples per frame: otherwise every clip of its own length would get its own run.
     */
    public static LengthBuckets.Plan runs(int[] samples, int maxBatch, AudioEncoderConfig config) {
        return LengthBuckets.plan(samples, maxBatch, (long) LengthBuckets.DEFAULT_RUN_OVERHEAD * config.samplesPerFrame());
    }

    /** One model run over the clips at {@code bucket}, zero-padded to the longest of them. */
    private void run(int[] bucket, FloatBuffer samples, int[] offsets, int[] lengths, BatchBuffers buf, float[][] out) {
        int rows = bucket.length;
        int cols = 0;
        for (int idx : bucket) {
            cols = Math.max(cols, lengths[idx]);
        }
        int cells = Math.multiplyExact(rows, cols);
        FloatBuffer values = buf.values(cells);
        LongBuffer mask = buf.mask(cells);
        for (int r = 0; r < rows; r++) {
            int idx = bucket[r];
            int base = r * cols;
            values.put(base, samples, offsets[idx], lengths[idx]);
            for (int j = lengths[idx]; j < cols; j++) {
                values.put(base + j, 0f); // the buffer is reused: padding must be written
            }
            for (int j = 0; j < cols; j++) {
                mask.put(base + j, j < lengths[idx] ? 1L : 0L);
            }
        }
        int frames = config.frames(cols);
        int width = config.hiddenSize();
        FloatBuffer states = buf.states(Math.multiplyExact(Math.multiplyExact(rows, frames), width));
        long[] shape = {rows, cols};
        OrtEnvironment env = env();
        try (OnnxTensor valuesTensor = OnnxTensor.createTensor(env, values, shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask, shape);
                OnnxTensor statesTensor = OnnxTensor.createTensor(env, states, new long[] {rows, frames, width});
                // Pinned output: ORT writes last_hidden_state straight into our direct buffer.
                OrtSession.Result result = session().run(
                        Map.of(Data2VecAudioGraph.INPUT_VALUES, valuesTensor, Data2VecAudioGraph.ATTENTION_MASK, maskTensor),
                        Map.of(Data2VecAudioGraph.LAST_HIDDEN_STATE, statesTensor))) {
            if (result.get(Data2VecAudioGraph.LAST_HIDDEN_STATE).isEmpty()) {
                throw new IllegalStateException("model " + describe() + " returned no last_hidden_state");
            }
            for (int r = 0; r < rows; r++) {
                int valid = config.frames(lengths[bucket[r]]);
                out[bucket[r]] = MeanPooling.pool(states, r, frames, width, 0, valid, options().normalize());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("model " + describe() + " failed on a batch of " + rows + " clips of "
                    + cols + " samples (expects last_hidden_state [batch, " + frames + ", " + width + "]): "
                    + e.getMessage(), e);
        }
    }
}
