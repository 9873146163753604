package io.d2vstreams.runtime.image.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.InputRejectedException;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImagePreprocessor;
import io.d2vstreams.runtime.image.ImagePreprocessorConfig;
import io.d2vstreams.runtime.internal.BatchBuffers;
import io.d2vstreams.runtime.internal.MeanPooling;
import io.d2vstreams.runtime.internal.OrtEncoder;
import io.d2vstreams.runtime.internal.onnx.OrtSessions;
import io.d2vstreams.runtime.preprocess.PreprocessException;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A data2vec vision encoder on ONNX Runtime: encoded image bytes → {@link ImagePreprocessor}
 * (decode, RGB, resize, normalise) straight into a reused direct {@code pixel_values} buffer →
 * {@code last_hidden_state} → mean over the patch tokens → L2.
 *
 * <p>Pooling leaves the CLS token out and averages the patch tokens, as data2vec-vision's own
 * mean pooling does ({@code Data2VecVisionPooler} with {@code use_mean_pooling}, the
 * representation its linear-probe and fine-tuning results use); the CLS token of a
 * self-supervised data2vec model is not trained to summarise the image. Hugging Face's pooler
 * then applies {@code pooler.layernorm}, a parameter of the classification checkpoints only; we
 * do not, since L2 normalisation follows anyway and the base model has no such weights.
 *
 * <p>Every image has the same size after preprocessing, so a batch never pads
 * ({@link #paddingEfficiency()} stays 1.0) and runs in input order in chunks of
 * {@code maxBatch}. Concurrent {@link #embed} calls are safe: the preprocessor and the session
 * are thread-safe and each call borrows its own buffers.
 */
public final class ImageEncoder extends OrtEncoder<byte[]> {

    private final ImageEncoderConfig config;
    private final ImagePreprocessor preprocessor;

    private ImageEncoder(ModelId id, ImageEncoderConfig config, ImagePreprocessor preprocessor, EncoderOptions options,
            OrtEnvironment env, OrtSessions.Opened opened) throws OrtException {
        super(id, options, env, opened);
        this.config = config;
        this.preprocessor = preprocessor;
        requireInput(opened.session().getInputInfo(), Data2VecImageGraph.PIXEL_VALUES);
        requireOutputWidth(opened.session().getOutputInfo(), Data2VecImageGraph.LAST_HIDDEN_STATE, config.hiddenSize(),
                "[batch, tokens, " + config.hiddenSize() + "]");
    }

    /**
     * Opens the encoder over a verified model.
     *
     * @throws IllegalArgumentException when the preprocessing does not produce what the model
     *     takes, or the model's inputs or outputs do not fit an image encoder
     * @throws OrtException when ONNX Runtime cannot load the model
     */
    public static ImageEncoder open(ModelId id, ImageEncoderConfig config, byte[] onnxModel,
            ImagePreprocessorConfig preprocessing, EncoderOptions options) throws OrtException {
        if (config.numChannels() != 3) {
            throw new IllegalArgumentException("num_channels is " + config.numChannels()
                    + ", but images are preprocessed to 3 channels (RGB)");
        }
        preprocessing.requireImageSize(config.imageSize());
        ImagePreprocessor preprocessor = new ImagePreprocessor(preprocessing);
        return OrtSessions.openEncoder(onnxModel, options, id,
                (env, opened) -> new ImageEncoder(id, config, preprocessor, options, env, opened));
    }

    @Override
    public int dim() {
        return config.hiddenSize();
    }

    /**
     * Why the image would be refused: the {@link PreprocessException}'s message. This decodes
     * the image, so it costs as much as preprocessing it for {@link #embed}.
     */
    @Override
    public Optional<String> rejectReason(byte[] input) {
        return input == null ? Optional.of("image is null") : preprocessor.rejectReason(input);
    }

    /**
     * Preprocesses and runs the batch {@code maxBatch} images at a time. A refused image stops
     * the call with an {@link InputRejectedException} naming its index (runs before it are
     * wasted; callers that expect bad input check {@link #rejectReason} first).
     */
    @Override
    protected float[][] embedBatch(List<byte[]> inputs, BatchBuffers buf) {
        float[][] out = new float[inputs.size()][];
        int imageFloats = preprocessor.outputLength();
        for (int start = 0; start < inputs.size(); start += options().maxBatch()) {
            int rows = Math.min(options().maxBatch(), inputs.size() - start);
            FloatBuffer pixels = buf.values(Math.multiplyExact(rows, imageFloats));
            for (int r = 0; r < rows; r++) {
                preprocessInto(start + r, inputs.get(start + r), pixels);
            }
            pixels.rewind();
            run(start, rows, pixels, buf, out);
        }
        return out;
    }

    private void preprocessInto(int index, byte[] image, FloatBuffer pixels) {
        if (image == null) {
            throw new NullPointerException("image input " + index + " is null");
        }
        try {
            preprocessor.preprocessInto(image, pixels);
        } catch (PreprocessException e) {
            throw new InputRejectedException(index, "image input " + index + " refused (" + e.reason() + "): "
                    + e.getMessage(), e);
        }
    }

    /** One model run over {@code rows} preprocessed images, the first of them input {@code start}. */
    private void run(int start, int rows, FloatBuffer pixels, BatchBuffers buf, float[][] out) {
        int side = config.imageSize();
        int tokens = config.sequenceLength();
        int width = config.hiddenSize();
        FloatBuffer states = buf.states(Math.multiplyExact(Math.multiplyExact(rows, tokens), width));
        OrtEnvironment env = env();
        try (OnnxTensor pixelTensor = OnnxTensor.createTensor(env, pixels, new long[] {rows, 3, side, side});
                OnnxTensor statesTensor = OnnxTensor.createTensor(env, states, new long[] {rows, tokens, width});
                // Pinned output: ORT writes last_hidden_state straight into our direct buffer.
                OrtSession.Result result = session().run(Map.of(Data2VecImageGraph.PIXEL_VALUES, pixelTensor),
                        Map.of(Data2VecImageGraph.LAST_HIDDEN_STATE, statesTensor))) {
            if (result.get(Data2VecImageGraph.LAST_HIDDEN_STATE).isEmpty()) {
                throw new IllegalStateException("model " + describe() + " returned no last_hidden_state");
            }
            for (int r = 0; r < rows; r++) {
                // Position 0 is the CLS token: pool the patches only.
                out[start + r] = MeanPooling.pool(states, r, tokens, width, 1, tokens, options().normalize());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("model " + describe() + " failed on a batch of " + rows + " images "
                    + side + "x" + side + " (expects last_hidden_state [batch, " + tokens + ", " + width + "]): "
                    + e.getMessage(), e);
        }
    }
}
