package io.d2vstreams.schemas;

/**
 * The Confluent wire format, named once: {@code [magic byte 0][schema id, 4 bytes big-endian][Avro binary]}.
 *
 * <p>See "Wire format" in Confluent's "Formats, Serializers, and Deserializers" documentation
 * (https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format).
 * The Avro part is the plain binary encoding of the datum, without an Avro container header.
 */
public final class WireFormat {

    /** First byte of every value; anything else is not this format. */
    public static final byte MAGIC_BYTE = 0;
    /** The schema id is a signed 32-bit int in network byte order. */
    public static final int ID_SIZE = 4;
    /** Bytes before the Avro payload starts. */
    public static final int HEADER_SIZE = 1 + ID_SIZE;

    private WireFormat() {
    }

    /**
     * Reads the schema id from a value in the wire format.
     *
     * @param topic the topic the value came from, for the error (may be null)
     * @throws RecordDecodeException with {@link DecodeFailure#NOT_WIRE_FORMAT} if the value is null,
     *     shorter than {@link #HEADER_SIZE} or does not start with {@link #MAGIC_BYTE}
     */
    public static int readSchemaId(String topic, byte[] value) {
        if (value == null || value.length < HEADER_SIZE) {
            String size = value == null ? "null" : value.length + (value.length == 1 ? " byte" : " bytes");
            throw new RecordDecodeException(DecodeFailure.NOT_WIRE_FORMAT, topic, null,
                    "value is " + size + "; Confluent wire format needs at least " + HEADER_SIZE
                            + " (magic byte " + MAGIC_BYTE + " + " + ID_SIZE + "-byte schema id)", null);
        }
        if (value[0] != MAGIC_BYTE) {
            throw new RecordDecodeException(DecodeFailure.NOT_WIRE_FORMAT, topic, null,
                    String.format("first byte is 0x%02x; Confluent wire format starts with magic byte 0x%02x "
                            + "(was this value written by a plain string or JSON serializer?)",
                            value[0] & 0xff, MAGIC_BYTE), null);
        }
        return ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
    }

    /** Writes the magic byte and {@code schemaId} (big-endian) into {@code target[0..HEADER_SIZE)}. */
    public static void writeHeader(byte[] target, int schemaId) {
        if (target.length < HEADER_SIZE) {
            throw new IllegalArgumentException("target is " + target.length + " bytes; the header needs " + HEADER_SIZE);
        }
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    /** A new {@link #HEADER_SIZE}-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        byte[] header = new byte[HEADER_SIZE];
        writeHeader(header, schemaId);
        return header;
    }
}
