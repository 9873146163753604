package io.d2vstreams.schemas;

import static io.d2vstreams.schemas.Samples.TEXT_TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.TextEvent;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Against the real registry, shared with the other tests of the run: each test registers under topics of its own. */
@DisplayName("Deserializing malformed input")
@ExtendWith(DevStackRegistry.class)
class MalformedInputTest {

    private final RestSchemaRegistryClient registry;
    private final SpecificAvroSerializer<TextEvent> textSerializer;
    private final SpecificAvroDeserializer<TextEvent> textDeserializer;
    private TestInfo test;
    private String textTopic;
    private byte[] valid;
    private int textId;

    MalformedInputTest(RegistryClientConfig registryConfig) {
        this.registry = new RestSchemaRegistryClient(registryConfig);
        this.textSerializer = new SpecificAvroSerializer<>(registry);
        this.textDeserializer = new SpecificAvroDeserializer<>(registry, TextEvent.class);
    }

    @BeforeEach
    void serializeAValidRecord(TestInfo test) {
        this.test = test;
        textTopic = topic(TEXT_TOPIC);
        valid = textSerializer.serialize(textTopic, Samples.text("m1", "a perfectly good sentence"));
        textId = WireFormat.readSchemaId(textTopic, valid);
    }

    @AfterEach
    void close() {
        textSerializer.close();
        textDeserializer.close();
        registry.close();
    }

    static Stream<Arguments> shortValues() {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("1 byte", new byte[] {0}),
                Arguments.of("2 bytes", new byte[] {0, 0}),
                Arguments.of("3 bytes", new byte[] {0, 0, 0}),
                Arguments.of("4 bytes", new byte[] {0, 0, 0, 1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shortValues")
    @DisplayName("a value shorter than the header is NOT_WIRE_FORMAT")
    void shortValue(String name, byte[] value) {
        RecordDecodeException e = decodeFailure(value);
        assertThat(e.reason()).as("reason for %s", name).isEqualTo(DecodeFailure.NOT_WIRE_FORMAT);
        assertThat(e.detail()).as("detail").contains("value is " + value.length + " byte")
                .contains("needs at least 5");
        assertThat(e.topic()).as("topic").contains(textTopic);
    }

    @Test
    @DisplayName("a value that does not start with magic byte 0 is NOT_WIRE_FORMAT")
    void wrongMagicByte() {
        byte[] value = valid.clone();
        value[0] = 1;
        assertThat(decodeFailure(value).reason()).as("reason").isEqualTo(DecodeFailure.NOT_WIRE_FORMAT);
    }

    @Test
    @DisplayName("an id the registry does not know is UNKNOWN_SCHEMA_ID, carrying the id")
    void unknownSchemaId() {
        byte[] value = valid.clone();
        // The registry numbers ids from 1, and a test run registers a few dozen schemas.
        WireFormat.writeHeader(value, 4242);
        RecordDecodeException e = decodeFailure(value);
        assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.UNKNOWN_SCHEMA_ID);
        assertThat(e.schemaId()).as("schema id").hasValue(4242);
        assertThat(e.getCause()).as("cause").isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    @DisplayName("every truncation of a valid payload is SCHEMA_MISMATCH")
    void truncatedBody() {
        for (int length = WireFormat.HEADER_SIZE; length < valid.length; length++) {
            RecordDecodeException e = decodeFailure(Arrays.copyOf(valid, length));
            assertThat(e.reason()).as("reason at length %d", length).isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
            assertThat(e.schemaId()).as("schema id at length %d", length).hasValue(textId);
        }
    }

    @Test
    @DisplayName("bytes left over after a complete record are SCHEMA_MISMATCH")
    void trailingBytes() {
        byte[] value = Arrays.copyOf(valid, valid.length + 3);
        RecordDecodeException e = decodeFailure(value);
        assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
        assertThat(e.detail()).as("detail").contains("3 bytes left over");
    }

    @Test
    @DisplayName("a garbage payload claiming a 2 GB string is SCHEMA_MISMATCH, without allocating it")
    void hugeStringLength() {
        // id: zig-zag varint of 1_000_000_000 (a string length), then nothing.
        byte[] value = withHeader(textId, varint(zigZag(1_000_000_000L)));
        RecordDecodeException e = decodeFailure(value);
        assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
        assertThat(e.detail()).as("detail").contains("TextEvent.id").contains("1000000000");
    }

    @Test
    @DisplayName("a garbage payload claiming a 500-million-item array is SCHEMA_MISMATCH, without allocating it")
    void hugeArrayCount() {
        try (SpecificAvroSerializer<Embedding> serializer = new SpecificAvroSerializer<>(registry);
             SpecificAvroDeserializer<Embedding> deserializer = new SpecificAvroDeserializer<>(registry, Embedding.class)) {
            String embeddings = topic("e");
            int id = WireFormat.readSchemaId(embeddings, serializer.serialize(embeddings, Samples.embedding("x")));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(varint(zigZag(1)));              // id: 1 byte
            body.write('x');
            body.writeBytes(varint(zigZag(0)));              // modality TEXT
            body.writeBytes(varint(zigZag(1)));              // model: 1 byte
            body.write('m');
            body.writeBytes(varint(zigZag(1)));              // model_version
            body.writeBytes(varint(zigZag(500_000_000L)));   // vector: block of 500M floats
            body.writeBytes(new byte[16]);
            RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class,
                    () -> deserializer.deserialize(embeddings, withHeader(id, body.toByteArray())));
            assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
            assertThat(e.detail()).as("detail").contains("500000000 items");
        }
    }

    @Test
    @DisplayName("a union branch index outside the union is SCHEMA_MISMATCH")
    void badUnionIndex() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(varint(zigZag(1)));
        body.write('a');
        body.writeBytes(varint(zigZag(1)));
        body.write('b');
        body.writeBytes(varint(zigZag(7)));   // lang: ["null","string"] has no branch 7
        body.writeBytes(varint(zigZag(0)));
        RecordDecodeException e = decodeFailure(withHeader(textId, body.toByteArray()));
        assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
        assertThat(e.detail()).as("detail").contains("union index 7");
    }

    @Test
    @DisplayName("a writer schema that cannot be read as the reader type is SCHEMA_MISMATCH, saying why")
    void incompatibleWriterSchema() {
        try (SpecificAvroSerializer<ImageEvent> imageSerializer = new SpecificAvroSerializer<>(registry)) {
            byte[] image = imageSerializer.serialize(topic("d2v.events.image"), Samples.image("i1"));
            RecordDecodeException e = decodeFailure(image);
            assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
            assertThat(e.detail()).as("detail").contains("io.d2vstreams.avro.ImageEvent")
                    .contains("io.d2vstreams.avro.TextEvent");
            assertThat(decodeFailure(image).reason()).as("reason on the second record (cached verdict)")
                    .isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
        }
    }

    @Test
    @DisplayName("a generic reader given a non-record writer schema says SCHEMA_MISMATCH instead of a ClassCastException")
    void nonRecordWriterSchema() {
        String strings = topic("strings");
        int id = registry.register(strings + "-value", Schema.create(Schema.Type.STRING));
        try (AvroDeserializer deserializer = new AvroDeserializer(registry)) {
            RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class,
                    () -> deserializer.deserialize(strings, withHeader(id, new byte[] {2, 'a'})));
            assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
            assertThat(e.detail()).as("detail").contains("STRING").contains("expected a record");
        }
    }

    @Test
    @DisplayName("deeply nested data of a recursive schema is SCHEMA_MISMATCH, not a StackOverflowError")
    void deepNesting() {
        Schema node = SchemaBuilder.record("Node").namespace("test").fields()
                .name("next").type().optional().type("Node").endRecord();
        String nodes = topic("nodes");
        int id = registry.register(nodes + "-value", node);
        byte[] body = new byte[100_001];
        Arrays.fill(body, 0, 100_000, (byte) 2);   // union branch 1 (a Node), 100 000 times
        try (AvroDeserializer deserializer = new AvroDeserializer(registry)) {
            RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class,
                    () -> deserializer.deserialize(nodes, withHeader(id, body)));
            assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
            assertThat(e.detail()).as("detail").contains("nesting deeper");

            GenericRecord shallow = deserializer.deserialize(nodes, withHeader(id, new byte[] {2, 0}));
            assertThat(((GenericRecord) shallow.get("next")).get("next")).as("a 2-level chain decodes").isNull();
        }
    }

    @Test
    @DisplayName("10 000 random and mutated payloads behind a valid header each decode or fail with RecordDecodeException, nothing else")
    void randomPayloadsNeverLeakOtherExceptions() {
        Random random = new Random(7);
        int decoded = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] value;
            if (i % 2 == 0) {
                byte[] body = new byte[random.nextInt(64)];
                random.nextBytes(body);
                value = withHeader(textId, body);
            } else {
                value = valid.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    value[WireFormat.HEADER_SIZE + random.nextInt(valid.length - WireFormat.HEADER_SIZE)] = (byte) random.nextInt(256);
                }
            }
            byte[] body = Arrays.copyOfRange(value, WireFormat.HEADER_SIZE, value.length);
            Throwable thrown = catchThrowable(() -> textDeserializer.deserialize(textTopic, value));
            if (thrown == null) {
                decoded++;
            } else {
                assertThat(thrown).as("failure for payload %s", Arrays.toString(body))
                        .isInstanceOf(RecordDecodeException.class);
                assertThat(((RecordDecodeException) thrown).reason()).as("reason")
                        .isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
            }
        }
        // A mutated byte inside the text keeps the record valid; one in a length or union index
        // breaks it. Both paths must be exercised for the test to mean anything.
        assertThat(decoded).as("payloads that happened to decode").isBetween(100, 9_900);
    }

    @Test
    @DisplayName("a registry that cannot be reached is RegistryUnavailableException, not a decode failure")
    void registryDownIsNotABadRecord() throws Exception {
        RegistryClientConfig config = RegistryClientConfig.forUrls(ScriptedRegistry.refusingUrl().toString())
                .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(2));
        try (RestSchemaRegistryClient down = new RestSchemaRegistryClient(config);
             SpecificAvroDeserializer<TextEvent> deserializer = new SpecificAvroDeserializer<>(down, TextEvent.class)) {
            assertThatThrownBy(() -> deserializer.deserialize(textTopic, valid))
                    .as("deserializing while the registry is down")
                    .isInstanceOf(RegistryUnavailableException.class)
                    .isNotInstanceOf(RecordDecodeException.class);
        }
    }

    private String topic(String base) {
        return DevStackRegistry.topic(base, test);
    }

    private RecordDecodeException decodeFailure(byte[] value) {
        Throwable thrown = catchThrowable(() -> textDeserializer.deserialize(textTopic, value));
        assertThat(thrown).as("deserializing %s", Arrays.toString(value)).isInstanceOf(RecordDecodeException.class);
        return (RecordDecodeException) thrown;
    }

    static byte[] withHeader(int id, byte[] body) {
        byte[] value = new byte[WireFormat.HEADER_SIZE + body.length];
        WireFormat.writeHeader(value, id);
        System.arraycopy(body, 0, value, WireFormat.HEADER_SIZE, body.length);
        return value;
    }

    static long zigZag(long n) {
        return (n << 1) ^ (n >> 63);
    }

    static byte[] varint(long raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((raw & ~0x7FL) != 0) {
            out.write((int) ((raw & 0x7F) | 0x80));
            raw >>>= 7;
        }
        out.write((int) raw);
        return out.toByteArray();
    }
}
