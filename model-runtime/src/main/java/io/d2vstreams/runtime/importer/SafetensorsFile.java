package io.d2vstreams.runtime.importer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a safetensors file (https://huggingface.co/docs/safetensors, format section): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON {@code {name: {dtype, shape,
 * data_offsets: [begin, end]}, "__metadata__": {string: string}}}, then the byte buffer the
 * offsets index (relative to its start, row-major, little-endian).
 *
 * <p>Every header value is checked when the file opens, before any tensor is read: the header
 * fits the file, each tensor's offsets lie inside the buffer, its byte count equals its shape
 * times its element size, and no two tensors overlap. So a truncated file or a header that lies
 * fails with the tensor and the numbers, never with a garbage weight or an index exception.
 * Tensors are read on demand, one at a time, so a checkpoint's unused tensors cost nothing.
 *
 * <p>Written here rather than taken from a library: DJL's reader ({@code NDList.decode}) needs
 * an engine's NDManager, which model-runtime deliberately does not load.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** The reference implementation refuses headers over 100 MB; so do we, before allocating. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final String METADATA = "__metadata__";
    private static final int HEADER_LENGTH_BYTES = 8;
    private static final int READ_CHUNK_BYTES = 1 << 22;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * One tensor as the header describes it.
     *
     * @param dtype the header's element type, as written
     * @param type the element type when this reader knows it
     * @param begin first byte, relative to the start of the byte buffer
     * @param end one past the last byte
     */
    public record Entry(String name, String dtype, Optional<SafetensorsDtype> type, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = Collections.unmodifiableMap(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Opens the file and checks its whole header.
     *
     * @throws SafetensorsException naming the problem when the file breaks the format
     * @throws IOException when the file cannot be read at all
     */
    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < HEADER_LENGTH_BYTES) {
                throw new SafetensorsException(path, "is " + size + " bytes long, too short for the 8-byte header length");
            }
            long headerLength = readFully(channel, path, 0, HEADER_LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw new SafetensorsException(path, "header length is " + Long.toUnsignedString(headerLength)
                        + " bytes, expected 2 to " + MAX_HEADER_BYTES + " (not a safetensors file?)");
            }
            if (headerLength > size - HEADER_LENGTH_BYTES) {
                throw new SafetensorsException(path, "header length says " + headerLength + " bytes but only "
                        + (size - HEADER_LENGTH_BYTES) + " follow (truncated file?)");
            }
            ByteBuffer header = readFully(channel, path, HEADER_LENGTH_BYTES, (int) headerLength);
            long dataStart = HEADER_LENGTH_BYTES + headerLength;
            HeaderParse parsed = parseHeader(path, utf8(path, header), size - dataStart);
            return new SafetensorsFile(path, channel, dataStart, parsed.entries, parsed.metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Every tensor the header lists, in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The optional {@code __metadata__} map (e.g. {@code format: pt}); empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Reads one tensor, widened to float32.
     *
     * @throws CheckpointException when there is no such tensor or its type is not F32, F16 or BF16
     * @throws IOException when the file cannot be read (or shrank since it was opened)
     */
    public float[] readFloats(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(path + " has no tensor '" + name + "'");
        }
        SafetensorsDtype type = e.type().filter(SafetensorsDtype::readableAsFloat).orElseThrow(() ->
                new CheckpointException(path + ": tensor '" + name + "' has dtype " + e.dtype()
                        + "; only F32, F16 and BF16 tensors can be read as weights"));
        long count = e.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(path + ": tensor '" + name + "' has " + count
                    + " elements, more than one Java array holds");
        }
        float[] out = new float[(int) count];
        int perChunk = READ_CHUNK_BYTES / type.bytes();
        for (int done = 0; done < out.length; ) {
            int n = Math.min(perChunk, out.length - done);
            ByteBuffer chunk = readFully(channel, path, dataStart + e.begin() + (long) done * type.bytes(), n * type.bytes());
            FloatDecoding.decode(type, chunk.order(ByteOrder.LITTLE_ENDIAN), out, done, n);
            done += n;
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private record HeaderParse(Map<String, Entry> entries, Map<String, String> metadata) {}

    private static HeaderParse parseHeader(Path path, String text, long dataSize) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(path, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(path, "header is not a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA)) {
                metadata(path, field.getValue(), metadata);
            } else {
                entries.put(field.getKey(), entry(path, field.getKey(), field.getValue(), dataSize));
            }
        }
        requireNoOverlap(path, entries);
        return new HeaderParse(entries, metadata);
    }

    private static Entry entry(Path path, String name, JsonNode node, long dataSize) {
        if (!node.isObject()) {
            throw new SafetensorsException(path, "header entry '" + name + "' is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsException(path, "tensor '" + name + "' has no dtype string");
        }
        String dtype = dtypeNode.asText();
        long[] shape = naturals(path, name, "shape", node.get("shape"), -1);
        long[] offsets = naturals(path, name, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataSize) {
            throw new SafetensorsException(path, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "] outside the " + dataSize + "-byte data buffer (truncated file or a header that lies)");
        }
        Optional<SafetensorsDtype> type = SafetensorsDtype.parse(dtype);
        if (type.isPresent()) {
            long expected;
            try {
                long count = 1;
                for (long d : shape) {
                    count = Math.multiplyExact(count, d);
                }
                expected = Math.multiplyExact(count, type.get().bytes());
            } catch (ArithmeticException e) {
                throw new SafetensorsException(path, "tensor '" + name + "' has shape " + Arrays.toString(shape)
                        + ", too large to address");
            }
            if (end - begin != expected) {
                throw new SafetensorsException(path, "tensor '" + name + "' is " + dtype + " " + Arrays.toString(shape)
                        + " = " + expected + " bytes, but its data_offsets [" + begin + ", " + end + "] span "
                        + (end - begin));
            }
        }
        return new Entry(name, dtype, type, shape, begin, end);
    }

    /** A JSON array of non-negative integers, of {@code length} elements unless it is -1. */
    private static long[] naturals(Path path, String name, String key, JsonNode node, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw new SafetensorsException(path, "tensor '" + name + "' has no valid " + key
                    + (length >= 0 ? " (expected " + length + " integers)" : " array"));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new SafetensorsException(path, "tensor '" + name + "' has " + key + " " + node
                        + ": every value must be a non-negative integer");
            }
            out[i] = v.asLong();
        }
        return out;
    }

    private static void metadata(Path path, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new SafetensorsException(path, METADATA + " is not an object");
        }
        node.fields().forEachRemaining(f -> {
            if (!f.getValue().isTextual()) {
                throw new SafetensorsException(path, METADATA + " value for '" + f.getKey() + "' is not a string");
            }
            out.put(f.getKey(), f.getValue().asText());
        });
    }

    /** Two tensors sharing bytes would alias each other's weights: the spec forbids it, and so do we. */
    private static void requireNoOverlap(Path path, Map<String, Entry> entries) {
        List<Entry> byStart = new ArrayList<>(entries.values());
        byStart.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry e : byStart) {
            if (e.begin() == e.end()) {
                continue; // an empty tensor occupies no bytes
            }
            if (previous != null && e.begin() < previous.end()) {
                throw new SafetensorsException(path, "tensors '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + "] and '" + e.name() + "' [" + e.begin() + ", " + e.end() + "] overlap");
            }
            previous = e;
        }
    }

    private static String utf8(Path path, ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(path, "header is not valid UTF-8", e);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, Path path, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new SafetensorsException(path, "ended at byte " + (position + buffer.position()) + " while reading "
                        + length + " bytes from byte " + position + " (file truncated while open?)");
            }
        }
        return buffer.flip();
    }
}
