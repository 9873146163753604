package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("WireFormat")
class WireFormatTest {

    @Test
    @DisplayName("writes magic byte 0 and the schema id big-endian, and reads the id back")
    void headerRoundTrip() {
        byte[] header = WireFormat.header(0x01020304);
        assertThat(header).as("header bytes").containsExactly(0, 1, 2, 3, 4);
        assertThat(WireFormat.readSchemaId("t", header)).as("id read back").isEqualTo(0x01020304);

        byte[] high = WireFormat.header(0xCAFEBABE);
        assertThat(WireFormat.readSchemaId("t", high)).as("an id with the top bit set survives").isEqualTo(0xCAFEBABE);
    }

    @Test
    @DisplayName("says how long a too-short value was and what the format needs")
    void tooShortIsNotWireFormat() {
        RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class,
                () -> WireFormat.readSchemaId("d2v.events.text", new byte[] {0, 0, 1}));
        assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.NOT_WIRE_FORMAT);
        assertThat(e.detail()).as("detail")
                .isEqualTo("value is 3 bytes; Confluent wire format needs at least 5 (magic byte 0 + 4-byte schema id)");
        assertThat(e.topic()).as("topic").contains("d2v.events.text");
        assertThat(e.schemaId()).as("no schema id could be read").isEmpty();
    }

    @Test
    @DisplayName("names the byte found where the magic byte should be")
    void wrongMagicByte() {
        RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class,
                () -> WireFormat.readSchemaId("t", "{\"id\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.NOT_WIRE_FORMAT);
        assertThat(e.detail()).as("detail").contains("0x7b").contains("magic byte 0x00");
    }
}
