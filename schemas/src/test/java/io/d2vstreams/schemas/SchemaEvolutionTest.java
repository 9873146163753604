package io.d2vstreams.schemas;

import static io.d2vstreams.schemas.Samples.TEXT_TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.d2vstreams.avro.TextEvent;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Against the real registry, shared with the other tests of the run: each test writes to topics of
 * its own, so no earlier version of a subject takes part in the registry's compatibility check.
 */
@DisplayName("Schema evolution through the specific deserializer")
@ExtendWith(DevStackRegistry.class)
class SchemaEvolutionTest {

    private final RestSchemaRegistryClient registry;
    private final AvroSerializer writer;
    private final SpecificAvroDeserializer<TextEvent> reader;
    private String textTopic;
    private String otherTopic;

    SchemaEvolutionTest(RegistryClientConfig registryConfig) {
        this.registry = new RestSchemaRegistryClient(registryConfig);
        this.writer = new AvroSerializer(registry);
        this.reader = new SpecificAvroDeserializer<>(registry, TextEvent.class);
    }

    @BeforeEach
    void nameTopics(TestInfo test) {
        textTopic = DevStackRegistry.topic(TEXT_TOPIC, test);
        otherTopic = DevStackRegistry.topic("other.topic", test);
    }

    @AfterEach
    void close() {
        writer.close();
        reader.close();
        registry.close();
    }

    @Test
    @DisplayName("a record written with v1 (no lang, no timestamp_ms) reads as today's TextEvent with the defaults")
    void olderWriterNewerReader() {
        Schema v1 = SchemaBuilder.record("TextEvent").namespace("io.d2vstreams.avro").fields()
                .requiredString("id").requiredString("text").endRecord();
        GenericRecord old = new GenericData.Record(v1);
        old.put("id", "v1-1");
        old.put("text", "written before lang existed");

        byte[] bytes = writer.serialize(textTopic, old);
        TextEvent event = reader.deserialize(textTopic, bytes);

        assertThat(event.getId()).as("id").isEqualTo("v1-1");
        assertThat(event.getText()).as("text").isEqualTo("written before lang existed");
        assertThat(event.getLang()).as("lang takes the reader's default").isNull();
        assertThat(event.getTimestampMs()).as("timestamp_ms takes the reader's default").isNull();
    }

    @Test
    @DisplayName("a record written with a newer schema (an extra field) reads as today's TextEvent, the extra field skipped")
    void newerWriterOlderReader() {
        Schema v3 = SchemaBuilder.record("TextEvent").namespace("io.d2vstreams.avro").fields()
                .requiredString("id").requiredString("text")
                .optionalString("lang").optionalLong("timestamp_ms")
                .name("source").type().stringType().stringDefault("web")
                .endRecord();
        GenericRecord newer = new GenericData.Record(v3);
        newer.put("id", "v3-1");
        newer.put("text", "from the future");
        newer.put("lang", "de");
        newer.put("source", "mobile");

        TextEvent event = reader.deserialize(textTopic, writer.serialize(textTopic, newer));

        assertThat(event.getText()).as("text").isEqualTo("from the future");
        assertThat(event.getLang()).as("lang").isEqualTo("de");
    }

    @Test
    @DisplayName("a writer that lacks a field the reader requires (text, no default) is SCHEMA_MISMATCH naming the field")
    void missingRequiredField() {
        Schema noText = SchemaBuilder.record("TextEvent").namespace("io.d2vstreams.avro").fields()
                .requiredString("id").endRecord();
        GenericRecord record = new GenericData.Record(noText);
        record.put("id", "bad");
        byte[] bytes = writer.serialize(otherTopic, record);

        RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class,
                () -> reader.deserialize(otherTopic, bytes));
        assertThat(e.reason()).as("reason").isEqualTo(DecodeFailure.SCHEMA_MISMATCH);
        assertThat(e.detail()).as("detail").contains("text");
    }
}
