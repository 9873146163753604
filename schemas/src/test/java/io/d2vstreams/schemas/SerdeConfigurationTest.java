package io.d2vstreams.schemas;

import static io.d2vstreams.schemas.Samples.TEXT_TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.avro.TextEvent;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Serdes configured by class name, the way any Kafka client loads them")
class SerdeConfigurationTest {

    private ScriptedRegistry peer;
    private Map<String, Object> props;

    @BeforeEach
    void start() throws IOException {
        peer = new ScriptedRegistry();
        props = Map.of("schema.registry.url", peer.url().toString(),
                "specific.avro.value.type", TextEvent.class.getName(),
                "retries.wait.ms", "1", "retries.max.wait.ms", "1");
    }

    @AfterEach
    void stop() {
        peer.close();
    }

    @Test
    @DisplayName("SpecificAvroSerde from its class name registers under <topic>-value and reads the value back")
    @SuppressWarnings("unchecked")
    void specificSerdeByClassName() throws IOException {
        peer.reply(200, "{\"id\": 31}")
                .reply(200, new ObjectMapper().writeValueAsString(Map.of("schema", TextEvent.getClassSchema().toString())));
        try (Serde<TextEvent> serde = Utils.newInstance(SpecificAvroSerde.class.getName(), Serde.class)) {
            serde.configure(props, false);
            byte[] bytes = serde.serializer().serialize(TEXT_TOPIC, Samples.text("c1", "configured"));
            assertThat(WireFormat.readSchemaId(TEXT_TOPIC, bytes)).as("id from the registry").isEqualTo(31);

            // A deserializer with its own cache: the schema comes from GET /schemas/ids/31.
            try (Deserializer<TextEvent> fresh = Utils.newInstance(SpecificAvroDeserializer.class.getName(), Deserializer.class)) {
                fresh.configure(props, false);
                assertThat(fresh.deserialize(TEXT_TOPIC, bytes)).as("decoded").isEqualTo(Samples.text("c1", "configured"));
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        assertThat(peer.requests()).extracting(ScriptedRegistry.Request::rawPath).as("paths")
                .containsExactly("/subjects/" + TEXT_TOPIC + "-value/versions", "/schemas/ids/31");
    }

    @Test
    @DisplayName("auto.register.schemas=false makes the serializer look the schema up instead of registering it")
    void lookupInsteadOfRegister() {
        peer.reply(200, "{\"subject\":\"x\",\"id\":12,\"version\":1,\"schema\":\"\\\"string\\\"\"}");
        try (SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>()) {
            serializer.configure(Map.of("schema.registry.url", peer.url().toString(), "auto.register.schemas", "false"), true);
            byte[] bytes = serializer.serialize(TEXT_TOPIC, Samples.text("k", "v"));
            assertThat(WireFormat.readSchemaId(TEXT_TOPIC, bytes)).as("id").isEqualTo(12);
        }
        assertThat(peer.requests().get(0).rawPath()).as("lookup of the key subject")
                .isEqualTo("/subjects/" + TEXT_TOPIC + "-key");
    }

    @Test
    @DisplayName("a specific deserializer without specific.avro.value.type fails at configure, naming the key")
    void missingSpecificType() {
        try (SpecificAvroDeserializer<TextEvent> deserializer = new SpecificAvroDeserializer<>()) {
            assertThatThrownBy(() -> deserializer.configure(Map.of("schema.registry.url", peer.url().toString()), false))
                    .as("configure without a type").isInstanceOf(ConfigException.class)
                    .hasMessageContaining("specific.avro.value.type");
        }
    }

    @Test
    @DisplayName("a specific type that is not a generated Avro class fails at configure")
    void wrongSpecificType() {
        try (SpecificAvroDeserializer<TextEvent> deserializer = new SpecificAvroDeserializer<>()) {
            assertThatThrownBy(() -> deserializer.configure(Map.of("schema.registry.url", peer.url().toString(),
                    "specific.avro.key.type", String.class.getName()), true))
                    .as("configure with java.lang.String").isInstanceOf(ConfigException.class)
                    .hasMessageContaining("specific.avro.key.type").hasMessageContaining("SpecificRecord");
        }
    }

    @Test
    @DisplayName("a serializer used before configure says what to do instead of throwing a NullPointerException")
    void unconfigured() {
        try (Serializer<org.apache.avro.generic.GenericRecord> serializer = new AvroSerializer()) {
            assertThatThrownBy(() -> serializer.serialize(TEXT_TOPIC, new org.apache.avro.generic.GenericData.Record(
                    TextEvent.getClassSchema())))
                    .as("serialize before configure").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("configure");
        }
    }
}
