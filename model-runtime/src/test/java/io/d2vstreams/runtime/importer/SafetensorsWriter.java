package io.d2vstreams.runtime.importer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.runtime.TensorBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files for tests, as the reference implementation lays them out: header
 * padded with spaces to a multiple of 8 bytes, tensors back to back in insertion order. The
 * header is exposed as a map so a test can make it lie and then {@link #assemble} the file.
 */
final class SafetensorsWriter {

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Every tensor of the bundle as F32, each name given {@code prefix}. */
    static SafetensorsWriter of(TensorBundle bundle, String prefix) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String name : bundle.names()) {
            TensorBundle.Tensor t = bundle.get(name);
            w.f32(prefix + name, t.shape(), t.data());
        }
        return w;
    }

    SafetensorsWriter f32(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return raw(name, "F32", shape, b.array());
    }

    /** 16-bit values (F16, BF16, I16) given as their bit patterns. */
    SafetensorsWriter bits16(String name, String dtype, long[] shape, int... bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return raw(name, dtype, shape, b.array());
    }

    SafetensorsWriter i64(String name, long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return raw(name, "I64", shape, b.array());
    }

    SafetensorsWriter raw(String name, String dtype, long[] shape, byte[] bytes) {
        long begin = data.size();
        data.writeBytes(bytes);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("dtype", dtype);
        entry.put("shape", shape);
        entry.put("data_offsets", List.of(begin, (long) data.size()));
        header.put(name, entry);
        return this;
    }

    SafetensorsWriter metadata(Map<String, String> values) {
        header.put("__metadata__", values);
        return this;
    }

    /** The header as it will be written; tests may edit it before {@link #assemble}. */
    Map<String, Object> header() {
        return header;
    }

    byte[] data() {
        return data.toByteArray();
    }

    byte[] toBytes() {
        return assemble(toJson(header), data());
    }

    Path writeTo(Path file) {
        try {
            return Files.write(file, toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String toJson(Object header) {
        try {
            return new ObjectMapper().writeValueAsString(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 8-byte little-endian header length, the header padded with spaces to 8-byte alignment, the data. */
    static byte[] assemble(String headerJson, byte[] data) {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        return out.put(data).array();
    }
}
