package io.d2vstreams.schemas.internal;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks Avro binary data against its writer schema without building anything, and rejects it if it
 * is not exactly one well-formed datum.
 *
 * <p>Why: Avro's decoder trusts the lengths and counts it reads. A garbage payload that claims a
 * 2 GB string or a 500-million-item array makes it allocate that much before it notices the data has
 * run out: an {@link OutOfMemoryError} that kills the pipeline instead of dead-lettering one record.
 * Deep nesting of a recursive schema likewise ends in a {@link StackOverflowError}. This pass checks
 * every length against the bytes that remain, every union and enum index against the schema, the
 * nesting depth, and that no bytes are left over, in time linear in the number of values and
 * without allocation; only data that passes is handed to Avro. The encoding rules are those of
 * "Binary Encoding" in the Avro 1.12 specification
 * (https://avro.apache.org/docs/1.12.0/specification/#binary-encoding).
 *
 * <p>Immutable and thread-safe once built; build one per writer schema and keep it.
 */
public final class AvroBinaryValidator {

    /**
     * Records, arrays and maps nested deeper than this are not data anyone writes on purpose, and
     * Avro's recursive reader needs several stack frames per level.
     */
    static final int MAX_DEPTH = 200;
    /**
     * Items of a zero-width type (null, empty record) take no bytes, so their count cannot be
     * checked against the bytes left; cap them instead, per datum.
     */
    static final long MAX_ZERO_WIDTH_ITEMS = 1L << 20;

    private final Schema schema;
    /** Minimum encoded size of the item type of every array, and of every map value, in the schema. */
    private final Map<Schema, Integer> minItemSize = new IdentityHashMap<>();

    private AvroBinaryValidator(Schema schema) {
        this.schema = schema;
        Map<Schema, Integer> minSizes = new IdentityHashMap<>();
        collectItemSizes(schema, minSizes, new IdentityHashMap<>());
    }

    public static AvroBinaryValidator forSchema(Schema schema) {
        return new AvroBinaryValidator(schema);
    }

    /** Checks that {@code data[offset..]} is exactly one datum of the schema. */
    public void validate(byte[] data, int offset) throws MalformedAvroException {
        Cursor cursor = new Cursor(data, offset);
        skip(schema, cursor, 0, schema.getName());
        if (cursor.remaining() != 0) {
            throw new MalformedAvroException(cursor.remaining() + " bytes left over after a complete "
                    + schema.getFullName() + " (payload is " + (data.length - offset) + " bytes)");
        }
    }

    private void skip(Schema type, Cursor in, int depth, String where) throws MalformedAvroException {
        if (depth > MAX_DEPTH) {
            throw new MalformedAvroException("nesting deeper than " + MAX_DEPTH + " levels at " + where);
        }
        switch (type.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> in.skip(1, where);
            case INT -> in.readInt(where);
            case LONG -> in.readLong(where);
            case FLOAT -> in.skip(4, where);
            case DOUBLE -> in.skip(8, where);
            case STRING, BYTES -> in.skip(in.readLength(where), where);
            case FIXED -> in.skip(type.getFixedSize(), where);
            case ENUM -> in.readIndex(type.getEnumSymbols().size(), "enum " + type.getFullName(), where);
            case UNION -> {
                List<Schema> branches = type.getTypes();
                int branch = in.readIndex(branches.size(), "union", where);
                skip(branches.get(branch), in, depth, where);
            }
            case RECORD -> {
                for (Schema.Field field : type.getFields()) {
                    skip(field.schema(), in, depth + 1, type.getName() + "." + field.name());
                }
            }
            case ARRAY -> skipBlocks(type.getElementType(), false, in, depth, where);
            case MAP -> skipBlocks(type.getValueType(), true, in, depth, where);
            default -> throw new IllegalStateException("unknown Avro type " + type.getType());
        }
    }

    /** Arrays and maps are a series of blocks: a count (negative: followed by the block's byte size), then items; 0 ends. */
    private void skipBlocks(Schema item, boolean isMap, Cursor in, int depth, String where) throws MalformedAvroException {
        int itemMin = (isMap ? 1 : 0) + minItemSize.get(item);
        while (true) {
            long count = in.readLong(where + " block count");
            if (count == 0) {
                return;
            }
            long blockBytes = -1;
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw new MalformedAvroException("invalid block count at byte " + in.position() + " of " + where);
                }
                count = -count;
                blockBytes = in.readLength(where + " block size");
                if (blockBytes > in.remaining()) {
                    throw in.overrun(blockBytes, where + " block");
                }
            }
            if (itemMin > 0 && count > in.remaining() / itemMin) {
                throw new MalformedAvroException(where + " claims " + count + " items of at least " + itemMin
                        + " bytes each at byte " + in.position() + ", but only " + in.remaining() + " bytes remain");
            }
            if (itemMin == 0) {
                in.zeroWidthItems += count;
                if (in.zeroWidthItems > MAX_ZERO_WIDTH_ITEMS) {
                    throw new MalformedAvroException(where + " claims more than " + MAX_ZERO_WIDTH_ITEMS
                            + " items that take no bytes");
                }
            }
            int start = in.position();
            for (long i = 0; i < count; i++) {
                if (isMap) {
                    in.skip(in.readLength(where + " key"), where + " key");
                }
                skip(item, in, depth + 1, where);
            }
            if (blockBytes >= 0 && in.position() - start != blockBytes) {
                throw new MalformedAvroException(where + " block says " + blockBytes + " bytes but its items took "
                        + (in.position() - start));
            }
        }
    }

    private void collectItemSizes(Schema type, Map<Schema, Integer> minSizes, Map<Schema, Boolean> visited) {
        if (visited.put(type, Boolean.TRUE) != null) {
            return;
        }
        switch (type.getType()) {
            case ARRAY -> {
                minItemSize.put(type.getElementType(), minSize(type.getElementType(), minSizes, new IdentityHashMap<>()));
                collectItemSizes(type.getElementType(), minSizes, visited);
            }
            case MAP -> {
                minItemSize.put(type.getValueType(), minSize(type.getValueType(), minSizes, new IdentityHashMap<>()));
                collectItemSizes(type.getValueType(), minSizes, visited);
            }
            case UNION -> type.getTypes().forEach(branch -> collectItemSizes(branch, minSizes, visited));
            case RECORD -> type.getFields().forEach(field -> collectItemSizes(field.schema(), minSizes, visited));
            default -> {
            }
        }
    }

    /** A lower bound of the encoded size of any datum of {@code type}; a record met again inside itself counts 0. */
    private static int minSize(Schema type, Map<Schema, Integer> memo, Map<Schema, Boolean> inProgress) {
        Integer known = memo.get(type);
        if (known != null) {
            return known;
        }
        int size = switch (type.getType()) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, ENUM, STRING, BYTES, ARRAY, MAP -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> type.getFixedSize();
            case UNION -> {
                int smallest = Integer.MAX_VALUE;
                for (Schema branch : type.getTypes()) {
                    smallest = Math.min(smallest, minSize(branch, memo, inProgress));
                }
                yield 1 + (smallest == Integer.MAX_VALUE ? 0 : smallest);
            }
            case RECORD -> {
                if (inProgress.put(type, Boolean.TRUE) != null) {
                    yield 0;
                }
                long sum = 0;
                for (Schema.Field field : type.getFields()) {
                    sum += minSize(field.schema(), memo, inProgress);
                }
                inProgress.remove(type);
                yield (int) Math.min(sum, Integer.MAX_VALUE);
            }
        };
        if (inProgress.isEmpty()) {
            memo.put(type, size);
        }
        return size;
    }

    /** Position in the data; lengths and varints are read here, with bounds checks. */
    private static final class Cursor {
        private final byte[] data;
        private final int payloadStart;
        private int pos;
        long zeroWidthItems;

        Cursor(byte[] data, int offset) {
            this.data = data;
            this.payloadStart = offset;
            this.pos = offset;
        }

        int remaining() {
            return data.length - pos;
        }

        /** Position within the Avro payload, for messages. */
        int position() {
            return pos - payloadStart;
        }

        void skip(long length, String where) throws MalformedAvroException {
            if (length > remaining()) {
                throw overrun(length, where);
            }
            pos += (int) length;
        }

        MalformedAvroException overrun(long length, String where) {
            return new MalformedAvroException("payload ends inside " + where + ": needs " + length
                    + " bytes at byte " + position() + ", only " + remaining() + " left");
        }

        long readLength(String where) throws MalformedAvroException {
            int at = position();
            long length = readLong(where + " length");
            if (length < 0) {
                throw new MalformedAvroException("negative length " + length + " for " + where + " at byte " + at);
            }
            return length;
        }

        int readIndex(int size, String what, String where) throws MalformedAvroException {
            int at = position();
            int index = readInt(where);
            if (index < 0 || index >= size) {
                throw new MalformedAvroException(what + " index " + index + " at byte " + at + " of " + where
                        + " is outside 0.." + (size - 1));
            }
            return index;
        }

        /** Zig-zag varint of at most 5 bytes. */
        int readInt(String where) throws MalformedAvroException {
            long raw = readVarint(5, where);
            if (raw > 0xFFFFFFFFL) {
                throw new MalformedAvroException("int varint out of range at " + where);
            }
            int n = (int) raw;
            return (n >>> 1) ^ -(n & 1);
        }

        /** Zig-zag varint of at most 10 bytes. */
        long readLong(String where) throws MalformedAvroException {
            long raw = readVarint(10, where);
            return (raw >>> 1) ^ -(raw & 1);
        }

        private long readVarint(int maxBytes, String where) throws MalformedAvroException {
            long raw = 0;
            int at = position();
            for (int i = 0; i < maxBytes; i++) {
                if (pos >= data.length) {
                    throw new MalformedAvroException("payload ends inside a varint of " + where + " at byte " + at);
                }
                int b = data[pos++] & 0xff;
                raw |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    return raw;
                }
            }
            throw new MalformedAvroException("varint of " + where + " at byte " + at + " is longer than "
                    + maxBytes + " bytes");
        }
    }
}
