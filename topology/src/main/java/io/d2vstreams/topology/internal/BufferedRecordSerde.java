package io.d2vstreams.topology.internal;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a {@link BufferedRecord} in the buffer store and its changelog topic.
 * Private to one application, so a versioned hand-written layout is simpler than a registry
 * schema; the leading version byte lets a later layout read records buffered by this one.
 * Layout 2 writes header keys as length-prefixed UTF-8, since a producer may send a key longer
 * than the 64 KiB that {@link DataOutputStream#writeUTF} allows; layout 1 records, buffered by an
 * older build before an upgrade, are still read.
 */
public final class BufferedRecordSerde implements Serde<BufferedRecord> {
    private static final byte LAYOUT_V1 = 1;
    private static final byte LAYOUT_V2 = 2;

    @Override
    public Serializer<BufferedRecord> serializer() {
        return (topic, record) -> record == null ? null : write(record);
    }

    @Override
    public Deserializer<BufferedRecord> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(BufferedRecord record) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256 + record.event().payload().length
                + length(record.source().value()));
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(LAYOUT_V2);
            Decoded.Accepted event = record.event();
            out.writeUTF(event.id());
            writeBytes(out, event.payload());
            out.writeBoolean(event.eventTimestampMs() != null);
            if (event.eventTimestampMs() != null) {
                out.writeLong(event.eventTimestampMs());
            }
            SourceRecord source = record.source();
            writeBytes(out, source.key());
            writeBytes(out, source.value());
            out.writeInt(source.headers().size());
            for (Header header : source.headers()) {
                writeBytes(out, header.key().getBytes(StandardCharsets.UTF_8));
                writeBytes(out, header.value());
            }
            out.writeUTF(source.topic());
            out.writeInt(source.partition());
            out.writeLong(source.offset());
            out.writeLong(source.timestamp());
            out.writeLong(record.bufferedAtMs());
        } catch (IOException e) {
            throw new SerializationException("cannot write buffered record " + record.event().id(), e);
        }
        return buffer.toByteArray();
    }

    static BufferedRecord read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte layout = in.readByte();
            if (layout != LAYOUT_V1 && layout != LAYOUT_V2) {
                throw new SerializationException("buffered record layout " + layout + " is unknown; this build reads "
                        + LAYOUT_V1 + " and " + LAYOUT_V2);
            }
            String id = in.readUTF();
            byte[] payload = readBytes(in);
            Long eventTimestamp = in.readBoolean() ? in.readLong() : null;
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int headerCount = in.readInt();
            List<Header> headers = new ArrayList<>(headerCount);
            for (int i = 0; i < headerCount; i++) {
                String headerKey = layout == LAYOUT_V1 ? in.readUTF() : new String(readBytes(in), StandardCharsets.UTF_8);
                headers.add(new RecordHeader(headerKey, readBytes(in)));
            }
            SourceRecord source = new SourceRecord(key, value, List.copyOf(headers),
                    in.readUTF(), in.readInt(), in.readLong(), in.readLong());
            long bufferedAt = in.readLong();
            return new BufferedRecord(new Decoded.Accepted(id, payload, eventTimestamp), source, bufferedAt);
        } catch (IOException e) {
            throw new SerializationException("corrupt buffered record (" + bytes.length + " bytes)", e);
        }
    }

    /**
     * An upper bound of the bytes {@link #write} produces for {@code record}, computed without
     * writing it: the processor checks every record against the changelog's limit before buffering it.
     */
    static long sizeBound(BufferedRecord record) {
        SourceRecord source = record.source();
        // Fixed fields, topic and id at most 3 UTF-8 bytes a UTF-16 unit, each length prefix 4 bytes.
        long size = 64 + 3L * record.event().id().length() + 3L * source.topic().length()
                + length(record.event().payload()) + length(source.key()) + length(source.value());
        for (Header header : source.headers()) {
            size += 8 + 3L * header.key().length() + length(header.value());
        }
        return size;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
