package io.d2vstreams.schemas;

import static io.d2vstreams.schemas.Samples.EMBEDDING_TOPIC;
import static io.d2vstreams.schemas.Samples.TEXT_TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Against the real registry, shared with the other tests of the run: each test writes to topics of
 * its own, and "nothing registered" means the list of subjects is what it was before the test.
 */
@DisplayName("The Avro serdes")
@ExtendWith(DevStackRegistry.class)
class SerdeRoundTripTest {

    private final RestSchemaRegistryClient registry;
    private String textTopic;
    private String embeddingTopic;

    SerdeRoundTripTest(RegistryClientConfig registryConfig) {
        this.registry = new RestSchemaRegistryClient(registryConfig);
    }

    @BeforeEach
    void nameTopics(TestInfo test) {
        textTopic = DevStackRegistry.topic(TEXT_TOPIC, test);
        embeddingTopic = DevStackRegistry.topic(EMBEDDING_TOPIC, test);
    }

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    @Test
    @DisplayName("a specific record comes back equal, and its bytes carry the id registered under <topic>-value")
    void specificRoundTrip() {
        try (SpecificAvroSerde<Embedding> serde = new SpecificAvroSerde<>(registry, Embedding.class)) {
            Embedding embedding = Samples.embedding("t1");
            byte[] bytes = serde.serializer().serialize(embeddingTopic, embedding);

            int id = registry.lookupId(embeddingTopic + "-value", Embedding.getClassSchema());
            assertThat(bytes[0]).as("magic byte").isEqualTo(WireFormat.MAGIC_BYTE);
            assertThat(WireFormat.readSchemaId(embeddingTopic, bytes)).as("schema id in the header").isEqualTo(id);
            assertThat(serde.deserializer().deserialize(embeddingTopic, bytes)).as("decoded record").isEqualTo(embedding);
        }
    }

    @Test
    @DisplayName("a vector that is a FloatSequence is written unboxed, to the same bytes as a list of boxed floats")
    void unboxedFloats() {
        try (SpecificAvroSerde<Embedding> serde = new SpecificAvroSerde<>(registry, Embedding.class)) {
            float[] values = {0.5f, -1.25f, Float.MIN_VALUE, 3e7f};
            Embedding boxed = Samples.embedding("f1");
            boxed.setVector(List.of(0.5f, -1.25f, Float.MIN_VALUE, 3e7f));
            Embedding unboxed = Embedding.newBuilder(boxed).setVector(new Floats(values)).build();

            assertThat(unboxed.getVector()).as("the record holds the sequence itself").isInstanceOf(Floats.class);
            byte[] expected = serde.serializer().serialize(embeddingTopic, boxed);
            byte[] actual = serde.serializer().serialize(embeddingTopic, unboxed);

            assertThat(actual).isEqualTo(expected);
            assertThat(serde.deserializer().deserialize(embeddingTopic, actual).getVector())
                    .containsExactly(0.5f, -1.25f, Float.MIN_VALUE, 3e7f);
            assertThat(Floats.boxedReads).as("the writer never asked the sequence for a boxed Float").isZero();
        }
    }

    @Test
    @DisplayName("one serde used by several threads at once writes and reads every record intact")
    void sharedAcrossThreads() throws Exception {
        try (SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(registry, TextEvent.class)) {
            serde.serializer().serialize(textTopic, Samples.text("warm", "registers the schema first"));
            List<Thread> threads = new java.util.ArrayList<>();
            java.util.concurrent.ConcurrentLinkedQueue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        String id = thread + "-" + i;
                        TextEvent back = serde.deserializer().deserialize(textTopic,
                                serde.serializer().serialize(textTopic, Samples.text(id, "text " + id + " ".repeat(i % 7))));
                        if (!back.getId().toString().equals(id) || !back.getText().toString().startsWith("text " + id)) {
                            wrong.add(id + " came back as " + back);
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(wrong).isEmpty();
        }
    }

    /** A float[] as Avro's List<Float> and as a FloatSequence, counting boxed reads. */
    private static final class Floats extends java.util.AbstractList<Float> implements FloatSequence {
        static int boxedReads;
        private final float[] values;

        Floats(float[] values) {
            this.values = values;
        }

        @Override
        public Float get(int index) {
            boxedReads++;
            return values[index];
        }

        @Override
        public float floatAt(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    @Test
    @DisplayName("a generic record comes back with the same fields, and reads the bytes a specific serializer wrote")
    void genericRoundTrip() {
        try (GenericAvroSerde generic = new GenericAvroSerde(registry);
             SpecificAvroSerializer<TextEvent> specific = new SpecificAvroSerializer<>(registry)) {
            GenericRecord record = new GenericData.Record(TextEvent.getClassSchema());
            record.put("id", "g1");
            record.put("text", "generic hello");
            byte[] bytes = generic.serializer().serialize(textTopic, record);
            GenericRecord back = generic.deserializer().deserialize(textTopic, bytes);
            assertThat(back.get("id").toString()).as("id").isEqualTo("g1");
            assertThat(back.get("text").toString()).as("text").isEqualTo("generic hello");
            assertThat(back.get("lang")).as("lang").isNull();

            GenericRecord fromSpecific = generic.deserializer()
                    .deserialize(textTopic, specific.serialize(textTopic, Samples.text("s1", "from specific")));
            assertThat(fromSpecific.get("text").toString()).as("text written by the specific serializer")
                    .isEqualTo("from specific");
            assertThat(fromSpecific.getSchema().getFullName()).as("writer schema name")
                    .isEqualTo("io.d2vstreams.avro.TextEvent");
        }
    }

    @Test
    @DisplayName("null values are tombstones both ways")
    void nullIsATombstone() {
        List<String> before = registry.subjects();
        try (SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(registry, TextEvent.class)) {
            assertThat(serde.serializer().serialize(textTopic, null)).as("serialized null").isNull();
            assertThat(serde.deserializer().deserialize(textTopic, null)).as("deserialized null").isNull();
        }
        assertThat(registry.subjects()).as("a tombstone registers nothing").containsExactlyElementsOf(before);
    }

    @Test
    @DisplayName("a key serde registers under <topic>-key")
    void keySubject() {
        try (SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(registry, TextEvent.class)) {
            serde.configure(Map.of(), true);
            byte[] bytes = serde.serializer().serialize(textTopic, Samples.text("k1", "as key"));
            assertThat(registry.subjects()).as("subjects of " + textTopic)
                    .filteredOn(subject -> subject.startsWith(textTopic + "-")).containsExactly(textTopic + "-key");
            assertThat(serde.deserializer().deserialize(textTopic, bytes).getText()).as("text").isEqualTo("as key");
        }
    }

    @Test
    @DisplayName("with auto.register.schemas=false the serializer only looks the id up, and fails when it is not registered")
    void noAutoRegister() {
        try (SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            serializer.configure(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, "false"), false);
            SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                    () -> serializer.serialize(textTopic, Samples.text("x", "y")));
            assertThat(e.errorCode()).as("error code").isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
            assertThat(e.subject()).as("subject").contains(textTopic + "-value");

            int id = registry.register(textTopic + "-value", TextEvent.getClassSchema());
            byte[] bytes = serializer.serialize(textTopic, Samples.text("x", "y"));
            assertThat(WireFormat.readSchemaId(textTopic, bytes)).as("id looked up").isEqualTo(id);
        }
    }

    @Test
    @DisplayName("a record missing a required field fails with a SerializationException naming the type, before any registry call")
    void unencodableRecord() {
        List<String> before = registry.subjects();
        try (AvroSerializer serializer = new AvroSerializer(registry)) {
            GenericRecord incomplete = new GenericData.Record(TextEvent.getClassSchema());
            incomplete.put("id", "no-text");
            SerializationException e = catchThrowableOfType(SerializationException.class,
                    () -> serializer.serialize(textTopic, incomplete));
            assertThat(e).as("not a decode error").isNotInstanceOf(RecordDecodeException.class);
            assertThat(e.getMessage()).as("message").contains("io.d2vstreams.avro.TextEvent").contains(textTopic);
            assertThat(registry.subjects()).as("nothing registered").containsExactlyElementsOf(before);
        }
    }
}
