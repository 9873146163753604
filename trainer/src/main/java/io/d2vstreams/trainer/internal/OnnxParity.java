package io.d2vstreams.trainer.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.trainer.AudioBatch;
import io.d2vstreams.trainer.ImageBatch;
import io.d2vstreams.trainer.TextBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * Runs an exported text, vision or audio encoder ({@code model.onnx}) on ONNX Runtime, as the serving side does,
 * to compare its {@code last_hidden_state} with the training model's: the check that training
 * and serving compute the same function.
 */
public final class OnnxParity {

    /** The serving graph's I/O names (public, see DESIGN.md "Models"). */
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String PIXEL_VALUES = "pixel_values";
    static final String INPUT_VALUES = "input_values";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";

    private OnnxParity() {}

    /** {@code last_hidden_state} of the model for the batch, row-major {@code [rows, cols, hidden]}. */
    public static float[] lastHiddenState(byte[] onnxModel, TextBatch batch) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {batch.rows(), batch.cols()};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape);
                OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape)) {
            return run(env, onnxModel, Map.of(INPUT_IDS, ids, ATTENTION_MASK, mask));
        } catch (OrtException e) {
            throw failed(e);
        }
    }

    /** {@code last_hidden_state} of a vision model for the images, row-major {@code [images, 1 + patches, hidden]}. */
    public static float[] lastHiddenState(byte[] onnxModel, ImageBatch batch) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor pixels = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.values()), batch.shape())) {
            return run(env, onnxModel, Map.of(PIXEL_VALUES, pixels));
        } catch (OrtException e) {
            throw failed(e);
        }
    }

    /**
     * {@code last_hidden_state} of an audio model for the clips (zero-padded, with their
     * {@code attention_mask}), row-major {@code [clips, frames, hidden]}.
     */
    public static float[] lastHiddenState(byte[] onnxModel, AudioBatch batch) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = batch.shape();
        try (OnnxTensor values = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.values()), shape);
                OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape)) {
            return run(env, onnxModel, Map.of(INPUT_VALUES, values, ATTENTION_MASK, mask));
        } catch (OrtException e) {
            throw failed(e);
        }
    }

    private static float[] run(OrtEnvironment env, byte[] onnxModel, Map<String, OnnxTensor> inputs) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnxModel, options);
                    OrtSession.Result result = session.run(inputs)) {
                OnnxTensor out = (OnnxTensor) result.get(LAST_HIDDEN_STATE)
                        .orElseThrow(() -> new IllegalStateException("the model has no output " + LAST_HIDDEN_STATE));
                float[] values = new float[Math.toIntExact(out.getInfo().getNumElements())];
                out.getFloatBuffer().get(values);
                return values;
            }
        }
    }

    private static IllegalStateException failed(OrtException e) {
        return new IllegalStateException("ONNX Runtime failed on the exported model: " + e.getMessage(), e);
    }

    /** Largest absolute element-wise difference; infinite when the lengths differ or a value is NaN. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, d);
        }
        return max;
    }
}
