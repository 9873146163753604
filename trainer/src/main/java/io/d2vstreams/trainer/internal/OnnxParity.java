package io.d2vstreams.trainer.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.spi.ModalitySpec;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs an exported encoder ({@code model.onnx}) on ONNX Runtime, as the serving side does, to
 * compare its {@code last_hidden_state} with the training model's: the check that training and
 * serving compute the same function. Each modality names its own graph inputs ({@link Feed}).
 */
public final class OnnxParity {

    /** One named input of the serving graph, as its values and shape; the tensor lives only for the run. */
    public sealed interface Feed {

        static Feed longs(long[] values, long... shape) {
            return new Longs(values, shape);
        }

        static Feed floats(float[] values, long... shape) {
            return new Floats(values, shape);
        }

        OnnxTensor tensor(OrtEnvironment env) throws OrtException;
    }

    private record Longs(long[] values, long[] shape) implements Feed {
        @Override
        public OnnxTensor tensor(OrtEnvironment env) throws OrtException {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
        }
    }

    private record Floats(float[] values, long[] shape) implements Feed {
        @Override
        public OnnxTensor tensor(OrtEnvironment env) throws OrtException {
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
        }
    }

    private OnnxParity() {}

    /** {@code last_hidden_state} of the model for the named inputs, row-major. */
    public static float[] lastHiddenState(byte[] onnxModel, Map<String, Feed> feeds) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Feed> feed : feeds.entrySet()) {
                tensors.put(feed.getKey(), feed.getValue().tensor(env));
            }
            return run(env, onnxModel, tensors);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on the exported model: " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] run(OrtEnvironment env, byte[] onnxModel, Map<String, OnnxTensor> inputs) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnxModel, options);
                    OrtSession.Result result = session.run(inputs)) {
                OnnxTensor out = (OnnxTensor) result.get(ModalitySpec.LAST_HIDDEN_STATE)
                        .orElseThrow(() -> new IllegalStateException("the model has no output " + ModalitySpec.LAST_HIDDEN_STATE));
                float[] values = new float[Math.toIntExact(out.getInfo().getNumElements())];
                out.getFloatBuffer().get(values);
                return values;
            }
        }
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
