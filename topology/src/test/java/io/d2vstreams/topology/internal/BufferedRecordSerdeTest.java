package io.d2vstreams.topology.internal;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The batch buffer's record layout")
class BufferedRecordSerdeTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static BufferedRecord record(byte[] key, byte[] value, List<Header> headers) {
        return new BufferedRecord(new Decoded.Accepted("ev-1", utf8("payload"), 42L),
                new SourceRecord(key, value, headers, "d2v.events.text", 2, 17, 1_000), 5_000);
    }

    @Test
    @DisplayName("round-trips null keys and values, empty and 70 kB header keys")
    void roundTrip() {
        String longKey = "k".repeat(70_000);
        BufferedRecord original = record(null, null, List.of(new RecordHeader(longKey, utf8("v")),
                new RecordHeader("", null), new RecordHeader("é", new byte[0])));

        BufferedRecord read = BufferedRecordSerde.read(BufferedRecordSerde.write(original));

        assertThat(read.source().key()).isNull();
        assertThat(read.source().value()).isNull();
        assertThat(read.source().headers()).extracting(Header::key).containsExactly(longKey, "", "é");
        assertThat(read.source().headers().get(1).value()).isNull();
        assertThat(read.source().offset()).isEqualTo(17);
        assertThat(read.event().id()).isEqualTo("ev-1");
        assertThat(read.event().eventTimestampMs()).isEqualTo(42L);
        assertThat(read.bufferedAtMs()).isEqualTo(5_000);
    }

    @Test
    @DisplayName("its size bound is never below the bytes actually written")
    void sizeBoundHolds() {
        BufferedRecord record = record(utf8("key"), new byte[1234], List.of(new RecordHeader("ключ-日本", new byte[99]),
                new RecordHeader("h", null)));

        assertThat(BufferedRecordSerde.sizeBound(record)).isGreaterThanOrEqualTo(BufferedRecordSerde.write(record).length);
    }

    @Test
    @DisplayName("reads records of layout 1, buffered by the build before header keys were length-prefixed")
    void readsLayoutOne() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF("old-1");
            out.writeInt(3);
            out.write(utf8("abc"));
            out.writeBoolean(false);
            out.writeInt(-1);
            out.writeInt(2);
            out.write(new byte[]{0, 1});
            out.writeInt(1);
            out.writeUTF("trace");
            out.writeInt(1);
            out.write('t');
            out.writeUTF("d2v.events.text");
            out.writeInt(0);
            out.writeLong(9);
            out.writeLong(100);
            out.writeLong(200);
        }

        BufferedRecord read = BufferedRecordSerde.read(bytes.toByteArray());

        assertThat(read.event().id()).isEqualTo("old-1");
        assertThat(read.event().payload()).isEqualTo(utf8("abc"));
        assertThat(read.source().headers()).extracting(Header::key).containsExactly("trace");
        assertThat(read.source().offset()).isEqualTo(9);
        assertThat(read.bufferedAtMs()).isEqualTo(200);
    }
}
