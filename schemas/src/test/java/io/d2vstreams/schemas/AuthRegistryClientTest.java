package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.devstack.RegistryAuth;
import io.d2vstreams.devstack.RegistryTls;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our client and serdes against the project's real registry with basic auth over TLS, configured
 * with Confluent's client settings only, as a properties file would give them.
 */
@DisplayName("The registry client and serdes against a registry with basic auth and TLS")
class AuthRegistryClientTest {

    private static final String USER_INFO = "pipeline:p1pel1ne-secret";

    @TempDir
    static Path dir;
    private static DevStack stack;
    private static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        Path keyStore = TestCertificates.serverKeyStore(dir);
        trustStore = TestCertificates.trustStore(keyStore);
        stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0)
                .registryAuth(RegistryAuth.basic(Map.of("pipeline", "p1pel1ne-secret")))
                .registryTls(RegistryTls.fromKeyStore(keyStore, TestCertificates.PASSWORD.toCharArray()))
                .build());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The URL and the trust store: what every client of this registry needs, credentials or not. */
    private static Map<String, Object> tls() {
        Map<String, Object> props = new HashMap<>();
        props.put("schema.registry.url", stack.registryUrl());
        props.put("schema.registry.ssl.truststore.location", trustStore.toString());
        props.put("schema.registry.ssl.truststore.password", TestCertificates.PASSWORD);
        props.put("max.retries", "0");
        return props;
    }

    @Test
    @DisplayName("basic.auth.credentials.source=USER_INFO with basic.auth.user.info: a Kafka-configured serde pair round-trips")
    void serializesAndDeserializesWithUserInfo() {
        Map<String, Object> props = tls();
        props.put("basic.auth.credentials.source", "USER_INFO");
        props.put("basic.auth.user.info", USER_INFO);
        TextEvent event = Samples.text("auth-1", "through a guarded registry");

        try (SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>();
             SpecificAvroDeserializer<TextEvent> deserializer = new SpecificAvroDeserializer<>()) {
            serializer.configure(props, false);
            Map<String, Object> readerProps = new HashMap<>(props);
            readerProps.put(AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG, TextEvent.class.getName());
            deserializer.configure(readerProps, false);

            byte[] bytes = serializer.serialize("auth.user-info.text", event);

            assertThat(deserializer.deserialize("auth.user-info.text", bytes)).as("the event read back").isEqualTo(event);
        }
        try (RestSchemaRegistryClient client = RestSchemaRegistryClient.fromProperties(props)) {
            assertThat(client.subjects()).as("subjects after the auto-registration").contains("auth.user-info.text-value");
        }
    }

    @Test
    @DisplayName("the schema.registry.-prefixed spellings (librdkafka clients') configure the same credentials")
    void prefixedSpellings() {
        Map<String, Object> props = tls();
        props.put("schema.registry.basic.auth.credentials.source", "USER_INFO");
        props.put("schema.registry.basic.auth.user.info", USER_INFO);
        try (RestSchemaRegistryClient client = RestSchemaRegistryClient.fromProperties(props)) {
            int id = client.register("auth.prefixed.text-value", TextEvent.getClassSchema());
            assertThat(client.schemaById(id)).as("schema by id").isEqualTo(TextEvent.getClassSchema());
        }
    }

    @Test
    @DisplayName("without credentials, serializing a new schema fails with the registry's 401 and registers nothing")
    void refusedWithoutCredentials() {
        Map<String, Object> props = tls();
        try (SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>();
             RestSchemaRegistryClient reader = RestSchemaRegistryClient.fromProperties(props)) {
            serializer.configure(props, false);

            SchemaRegistryException refusal = catchThrowableOfType(SchemaRegistryException.class,
                    () -> serializer.serialize("auth.anonymous.text", Samples.text("anon-1", "no credentials")));

            assertThat(refusal).as("refusal of an anonymous auto-registration").isNotNull();
            assertThat(refusal.status()).as("HTTP status").isEqualTo(401);
            assertThat(refusal.getMessage()).as("what the registry said").contains("needs the credentials");
            // Reads stay open: anyone may list subjects, and the refused one is not among them.
            assertThat(reader.subjects()).as("subjects, read anonymously").doesNotContain("auth.anonymous.text-value");
        }
    }

    @Test
    @DisplayName("a wrong password is refused with 401, and the password is not in the error")
    void refusedWithWrongPassword() {
        Map<String, Object> props = tls();
        props.put("basic.auth.credentials.source", "USER_INFO");
        props.put("basic.auth.user.info", "pipeline:Wr0ng-Passw0rd");
        try (RestSchemaRegistryClient client = RestSchemaRegistryClient.fromProperties(props)) {
            SchemaRegistryException refusal = catchThrowableOfType(SchemaRegistryException.class,
                    () -> client.register("auth.wrong.text-value", TextEvent.getClassSchema()));

            assertThat(refusal).as("refusal of a registration with a wrong password").isNotNull();
            assertThat(refusal.status()).as("HTTP status").isEqualTo(401);
            assertThat(refusal.getMessage()).as("error message").doesNotContain("Wr0ng-Passw0rd");
            assertThat(client.subjects()).as("subjects after it").doesNotContain("auth.wrong.text-value");
        }
    }

    @Test
    @DisplayName("credentials in the URL work with basic.auth.credentials.source=URL")
    void credentialsInUrl() {
        Map<String, Object> props = tls();
        props.put("schema.registry.url", stack.registryUrl().replace("https://", "https://" + USER_INFO + "@"));
        props.put("basic.auth.credentials.source", "URL");
        try (RestSchemaRegistryClient client = RestSchemaRegistryClient.fromProperties(props)) {
            assertThat(client.register("auth.url.text-value", TextEvent.getClassSchema())).as("id").isPositive();
        }
    }
}
