package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.avro.TrainingSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The Avro schemas")
class AvroSchemasTest {

    /** Dependency order: the enums first, then the records that name them. */
    private static final List<String> FILES = List.of("Modality", "ModelStatus", "TextEvent", "ImageEvent",
            "AudioEvent", "Embedding", "ModelVersion", "TrainingSample");

    static Stream<Class<? extends SpecificRecord>> records() {
        return Stream.of(TextEvent.class, ImageEvent.class, AudioEvent.class, Embedding.class,
                ModelVersion.class, TrainingSample.class);
    }

    @Test
    @DisplayName("every .avsc file ships in the jar, parses, and matches the class generated from it")
    void schemaFilesParseAndMatchTheGeneratedClasses() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        for (String name : FILES) {
            try (InputStream in = getClass().getResourceAsStream("/avro/" + name + ".avsc")) {
                assertThat(in).as("/avro/%s.avsc on the classpath", name).isNotNull();
                Schema parsed = parser.parse(in);
                Schema generated = SpecificData.get().getSchema(SpecificData.get().getClass(parsed));
                assertThat(parsed.getNamespace()).as("namespace of %s", name).isEqualTo("io.d2vstreams.avro");
                // Parsing Canonical Form drops docs and the avro.java.string props the generator adds.
                assertThat(SchemaNormalization.toParsingForm(generated))
                        .as("generated class of %s is in sync with its .avsc", name)
                        .isEqualTo(SchemaNormalization.toParsingForm(parsed));
            }
        }
    }

    @Test
    @DisplayName("the fields that DESIGN.md makes public have the promised names and types")
    void publicFieldsHaveThePromisedTypes() {
        Map<String, String> embedding = Map.of("id", "\"string\"", "model", "\"string\"", "model_version", "\"int\"",
                "vector", "{\"type\":\"array\",\"items\":\"float\"}", "source_topic", "\"string\"",
                "source_partition", "\"int\"", "source_offset", "\"long\"");
        embedding.forEach((field, type) -> assertThat(
                withoutJavaStringProps(Embedding.getClassSchema().getField(field).schema()))
                .as("Embedding.%s", field).isEqualTo(type));
        assertThat(Embedding.getClassSchema().getField("modality").schema().getEnumSymbols())
                .as("Modality symbols").containsExactly("TEXT", "IMAGE", "AUDIO");
        assertThat(ModelVersion.getClassSchema().getField("status").schema().getEnumSymbols())
                .as("ModelStatus symbols").containsExactly("CANDIDATE", "ACTIVE", "REJECTED", "RETIRED");
        for (Schema media : List.of(ImageEvent.getClassSchema(), AudioEvent.getClassSchema())) {
            assertThat(withoutJavaStringProps(media.getField("content").schema()))
                    .as("%s.content", media.getName()).isEqualTo("[\"null\",\"bytes\"]");
            assertThat(withoutJavaStringProps(media.getField("uri").schema()))
                    .as("%s.uri", media.getName()).isEqualTo("[\"null\",\"string\"]");
            assertThat(withoutJavaStringProps(media.getField("mime").schema()))
                    .as("%s.mime", media.getName()).isEqualTo("[\"null\",\"string\"]");
        }
        assertThat(withoutJavaStringProps(TextEvent.getClassSchema().getField("text").schema()))
                .as("TextEvent.text").isEqualTo("\"string\"");
    }

    private static String withoutJavaStringProps(Schema schema) {
        return schema.toString().replace(",\"avro.java.string\":\"String\"", "")
                .replace("{\"type\":\"string\"}", "\"string\"");
    }

    @Test
    @DisplayName("optional fields default to null, so a producer only sets the required ones")
    void optionalFieldsDefaultToNull() {
        TextEvent text = TextEvent.newBuilder().setId("t1").setText("hello").build();
        assertThat(text.getLang()).as("lang default").isNull();
        assertThat(text.getTimestampMs()).as("timestamp_ms default").isNull();

        ModelVersion version = ModelVersion.newBuilder().setModality(Modality.TEXT).setModel("data2vec-text")
                .setVersion(1).setUri("file:///models/text/1.onnx").setSha256("ab".repeat(32)).setDim(64)
                .setStatus(ModelStatus.CANDIDATE).setCreatedAtMs(1L).build();
        assertThat(version.getReason()).as("reason default").isNull();
        assertThat(version.getMetrics()).as("metrics default").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    @DisplayName("random instances of each generated class survive an Avro binary round trip")
    <T extends SpecificRecord> void generatedClassesRoundTrip(Class<T> type) throws IOException {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        int checked = 0;
        for (Object datum : new RandomData(model, schema, 50, 42L)) {
            T record = type.cast(datum);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<T>(schema, model).write(record, encoder);
            encoder.flush();
            T back = new SpecificDatumReader<T>(schema, schema, model)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
            assertThat(back).as("round trip of %s", record).isEqualTo(record);
            checked++;
        }
        assertThat(checked).as("records checked").isEqualTo(50);
    }
}
