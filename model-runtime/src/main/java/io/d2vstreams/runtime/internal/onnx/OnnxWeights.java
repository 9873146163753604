package io.d2vstreams.runtime.internal.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.d2vstreams.runtime.TensorBundle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the float initializers of an ONNX model back into a {@link TensorBundle}, names unchanged. */
public final class OnnxWeights {

    private OnnxWeights() {}

    /**
     * The float initializers, in graph order; int64 constants (shapes, axes) are skipped.
     *
     * @throws IllegalArgumentException when the bytes are not an ONNX model or use external data
     */
    public static TensorBundle read(byte[] model) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
        TensorBundle.Builder bundle = TensorBundle.builder();
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                continue;
            }
            if (t.getExternalDataCount() > 0) {
                throw new IllegalArgumentException("initializer '" + t.getName() + "' uses external data, which is not supported");
            }
            long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            float[] data;
            if (!t.getRawData().isEmpty()) {
                ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                data = new float[raw.remaining() / Float.BYTES];
                raw.asFloatBuffer().get(data);
            } else {
                data = new float[t.getFloatDataCount()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = t.getFloatData(i);
                }
            }
            bundle.put(t.getName(), shape, data);
        }
        return bundle.build();
    }
}
