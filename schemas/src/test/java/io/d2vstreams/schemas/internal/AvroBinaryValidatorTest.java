package io.d2vstreams.schemas.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AvroBinaryValidator")
class AvroBinaryValidatorTest {

    /** Every Avro type, nested, including arrays of zero-width items and recursion through a union. */
    private static final Schema EVERYTHING = new Schema.Parser().parse("""
            {"type": "record", "name": "Everything", "namespace": "test", "fields": [
              {"name": "n", "type": "null"},
              {"name": "b", "type": "boolean"},
              {"name": "i", "type": "int"},
              {"name": "l", "type": "long"},
              {"name": "f", "type": "float"},
              {"name": "d", "type": "double"},
              {"name": "s", "type": "string"},
              {"name": "by", "type": "bytes"},
              {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
              {"name": "e", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"]}},
              {"name": "floats", "type": {"type": "array", "items": "float"}},
              {"name": "nulls", "type": {"type": "array", "items": "null"}},
              {"name": "m", "type": {"type": "map", "values": ["null", "long"]}},
              {"name": "u", "type": ["null", "string", "Four"]},
              {"name": "child", "type": ["null", "Everything"]}
            ]}""");

    @Test
    @DisplayName("accepts every datum Avro writes, with plain and with blocked (size-prefixed) arrays and maps")
    void acceptsWhatAvroWrites() throws IOException {
        AvroBinaryValidator validator = AvroBinaryValidator.forSchema(EVERYTHING);
        GenericDatumWriter<Object> writer = new GenericDatumWriter<>(EVERYTHING);
        int checked = 0;
        for (Object datum : new RandomData(EVERYTHING, 300, 11L)) {
            for (boolean blocking : new boolean[] {false, true}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(new byte[3]);   // an offset, like the wire-format header
                BinaryEncoder encoder = blocking
                        ? new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null)
                        : EncoderFactory.get().binaryEncoder(out, null);
                writer.write(datum, encoder);
                encoder.flush();
                byte[] bytes = out.toByteArray();
                assertThatCode(() -> validator.validate(bytes, 3))
                        .as("validating %s (blocking=%s)", datum, blocking).doesNotThrowAnyException();
                checked++;
            }
        }
        assertThat(checked).as("datums checked").isEqualTo(600);
    }
}
