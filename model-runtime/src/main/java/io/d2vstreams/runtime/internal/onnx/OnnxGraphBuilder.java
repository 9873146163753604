package io.d2vstreams.runtime.internal.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.spi.ParamSpec;
import io.d2vstreams.runtime.spi.ParamSpecs;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A thin, name-checked layer over the ONNX protobuf builders for writing inference graphs in
 * code. Every node has exactly one output, and that output is named after the node, so a graph
 * reads like the model's forward pass ({@code encoder.layer.0.attention.self.query}) and a
 * duplicate name fails here rather than inside ONNX Runtime.
 *
 * <p>Initializers are stored as little-endian {@code raw_data}, the compact form the ONNX spec
 * prescribes for raw tensor bytes (onnx.proto, TensorProto.raw_data). The model declares IR
 * version 8 with the default-domain opset 17 (ONNX 1.12), which ONNX Runtime 1.24 reads; opset
 * 17 is the first with {@code LayerNormalization}.
 */
public final class OnnxGraphBuilder {

    public static final int OPSET = 17;
    /** ONNX IR version 8 (onnx.proto {@code IR_VERSION_2021_7_30}). */
    public static final long IR_VERSION = 8;

    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    public static final int INT64 = TensorProto.DataType.INT64_VALUE;
    public static final int BOOL = TensorProto.DataType.BOOL_VALUE;

    private final GraphProto.Builder graph;
    private final Set<String> names = new HashSet<>();

    public OnnxGraphBuilder(String graphName) {
        this.graph = GraphProto.newBuilder().setName(Objects.requireNonNull(graphName, "graphName"));
    }

    /**
     * Declares a graph input. Each dimension is a {@code Long}/{@code Integer} (fixed size) or a
     * {@code String} (a symbolic size such as {@code "batch"}).
     */
    public String input(String name, int elemType, Object... dims) {
        claim(name);
        graph.addInput(valueInfo(name, elemType, dims));
        return name;
    }

    /** Declares a graph output; {@code name} must be produced by a node or be an input. */
    public void output(String name, int elemType, Object... dims) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException("graph output '" + name + "' is not produced by any node");
        }
        graph.addOutput(valueInfo(name, elemType, dims));
    }

    /** A float initializer, e.g. a weight under its Hugging Face name. */
    public String initializer(String name, long[] shape, float[] data) {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count != data.length) {
            throw new IllegalArgumentException("initializer '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + count + " values, got " + data.length);
        }
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(data.length, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        return addInitializer(name, FLOAT, shape, UnsafeByteOperations.unsafeWrap(bytes.array()));
    }

    /**
     * An int64 constant (shapes, axes, indices) as a {@code Constant} node rather than an
     * initializer, so the initializers stay exactly the model's parameters.
     */
    public String int64s(String name, long[] shape, long... values) {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count != values.length) {
            throw new IllegalArgumentException("constant '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + count + " values, got " + values.length);
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return constant(name, tensor(name, INT64, shape, UnsafeByteOperations.unsafeWrap(bytes.array())));
    }

    /** A 1-D int64 constant. */
    public String int64Vector(String name, long... values) {
        return int64s(name, new long[] {values.length}, values);
    }

    /** A 0-D (scalar) int64 constant. */
    public String int64Scalar(String name, long value) {
        return int64s(name, new long[0], value);
    }

    /** A 0-D (scalar) float constant, as a {@code Constant} node. */
    public String floatScalar(String name, float value) {
        ByteBuffer bytes = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, value);
        return constant(name, tensor(name, FLOAT, new long[0], UnsafeByteOperations.unsafeWrap(bytes.array())));
    }

    /**
     * A float constant that is not a parameter (the unit scale of a LayerNorm without affine
     * weights, say), as a {@code Constant} node so it never shows up among the initializers.
     */
    public String floats(String name, long[] shape, float... values) {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count != values.length) {
            throw new IllegalArgumentException("constant '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + count + " values, got " + values.length);
        }
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return constant(name, tensor(name, FLOAT, shape, UnsafeByteOperations.unsafeWrap(bytes.array())));
    }

    /**
     * Adds a node of the default ONNX domain whose single output is called {@code name}.
     *
     * @return {@code name}, for chaining into the next node
     */
    public String node(String name, String opType, List<String> inputs, AttributeProto... attributes) {
        for (String in : inputs) {
            if (!in.isEmpty() && !names.contains(in)) {
                throw new IllegalArgumentException("node '" + name + "' (" + opType + ") reads unknown value '" + in + "'");
            }
        }
        claim(name);
        graph.addNode(NodeProto.newBuilder()
                .setName(name)
                .setOpType(opType)
                .addAllInput(inputs)
                .addOutput(name)
                .addAllAttribute(Arrays.asList(attributes)));
        return name;
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attr(String name, long[] values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /**
     * One float initializer per spec, in spec order, from the tensor of the same name in
     * {@code weights}: Hugging Face's parameter names become the initializer names. The caller
     * has checked the weights against the specs ({@link ParamSpecs#requireMatches}).
     */
    public void initializers(List<ParamSpec> specs, TensorBundle weights) {
        for (ParamSpec s : specs) {
            TensorBundle.Tensor t = weights.get(s.name());
            initializer(s.name(), t.shape(), t.data());
        }
    }

    /**
     * The serialised encoder, produced by d2v-streams, with the metadata every data2vec writer
     * records ({@code model_type}, {@code hidden_size}) and then {@code extra}, in that order.
     */
    public byte[] toEncoderBytes(String modelType, int hiddenSize, Map<String, String> extra) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model_type", modelType);
        metadata.put("hidden_size", Integer.toString(hiddenSize));
        metadata.putAll(extra);
        return toBytes("d2v-streams", "1", metadata);
    }

    /** The serialised model. Same calls in the same order give the same bytes. */
    public byte[] toBytes(String producerName, String producerVersion, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build().toByteArray();
    }

    // The arrays handed to unsafeWrap are fresh and never written again, so wrapping without a
    // copy is safe and halves peak memory for large checkpoints.
    private String addInitializer(String name, int type, long[] shape, ByteString raw) {
        claim(name);
        graph.addInitializer(tensor(name, type, shape, raw));
        return name;
    }

    private String constant(String name, TensorProto value) {
        claim(name);
        graph.addNode(NodeProto.newBuilder()
                .setName(name)
                .setOpType("Constant")
                .addOutput(name)
                .addAttribute(AttributeProto.newBuilder()
                        .setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR)
                        .setT(value)));
        return name;
    }

    private static TensorProto tensor(String name, int type, long[] shape, ByteString raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(raw);
        for (long d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    private void claim(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("value names must not be empty");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is already used in graph " + graph.getName());
        }
    }

    private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String symbol) {
                dim.setDimParam(symbol);
            } else if (d instanceof Number size) {
                dim.setDimValue(size.longValue());
            } else {
                throw new IllegalArgumentException("dimension of '" + name + "' must be a number or a symbol, got " + d);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }
}
