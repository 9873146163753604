package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.avro.TextEvent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RestSchemaRegistryClient against a scripted registry")
class RestSchemaRegistryClientTest {

    private static final Schema SCHEMA = TextEvent.getClassSchema();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScriptedRegistry peer;

    @BeforeEach
    void start() throws IOException {
        peer = new ScriptedRegistry();
    }

    @AfterEach
    void stop() {
        peer.close();
    }

    private RegistryClientConfig config() {
        return RegistryClientConfig.forUrls(peer.url().toString())
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(5))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private static String schemaReply(Schema schema) throws IOException {
        return JSON.writeValueAsString(java.util.Map.of("schema", schema.toString()));
    }

    @Test
    @DisplayName("register POSTs {\"schema\": ...} without schemaType to /subjects/{subject}/versions and returns the id")
    void registerRequest() throws IOException {
        peer.reply(200, "{\"id\": 17}");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            assertThat(client.register("d2v.events.text-value", SCHEMA)).as("id").isEqualTo(17);
        }
        ScriptedRegistry.Request request = peer.requests().get(0);
        assertThat(request.method()).as("method").isEqualTo("POST");
        assertThat(request.rawPath()).as("path").isEqualTo("/subjects/d2v.events.text-value/versions");
        assertThat(request.header("Content-Type")).as("content type").isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.header("Accept")).as("accept").startsWith("application/vnd.schemaregistry.v1+json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(new Schema.Parser().parse(body.get("schema").asText())).as("schema sent").isEqualTo(SCHEMA);
        assertThat(body.has("schemaType")).as("schemaType is left out for AVRO").isFalse();
        assertThat(request.header("Authorization")).as("no auth configured").isNull();
    }

    @Test
    @DisplayName("a second register or lookup of the same schema, and schemaById of its id, are served from the cache")
    void cacheAvoidsSecondCall() {
        peer.reply(200, "{\"id\": 5}");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            client.register("s-value", SCHEMA);
            assertThat(client.register("s-value", SCHEMA)).as("second register").isEqualTo(5);
            assertThat(client.schemaById(5)).as("schema by id").isEqualTo(SCHEMA);
        }
        assertThat(peer.requests()).as("HTTP requests").hasSize(1);
    }

    @Test
    @DisplayName("schemaById GETs /schemas/ids/{id} once and then serves it from the cache")
    void schemaByIdCaches() throws IOException {
        peer.reply(200, schemaReply(SCHEMA));
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            assertThat(client.schemaById(9)).as("first").isEqualTo(SCHEMA);
            assertThat(client.schemaById(9)).as("second").isEqualTo(SCHEMA);
        }
        assertThat(peer.requests()).as("HTTP requests").hasSize(1);
        assertThat(peer.requests().get(0).rawPath()).as("path").isEqualTo("/schemas/ids/9");
        assertThat(peer.requests().get(0).method()).as("method").isEqualTo("GET");
    }

    @Test
    @DisplayName("lookupId POSTs to /subjects/{subject} and maps 40401 and 40403 to their codes, with the subject")
    void lookupErrors() {
        peer.reply(200, "{\"subject\":\"s-value\",\"id\":3,\"version\":1,\"schema\":\"\\\"string\\\"\"}")
                .reply(404, "{\"error_code\":40401,\"message\":\"Subject 'x-value' not found.\"}")
                .reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            assertThat(client.lookupId("s-value", SCHEMA)).as("id").isEqualTo(3);

            SchemaRegistryException subject = catchThrowableOfType(SchemaRegistryException.class,
                    () -> client.lookupId("x-value", SCHEMA));
            assertThat(subject.errorCode()).as("error code").isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
            assertThat(subject.status()).as("status").isEqualTo(404);
            assertThat(subject.subject()).as("subject").contains("x-value");
            assertThat(subject.getMessage()).as("message").contains("Subject 'x-value' not found.");

            SchemaRegistryException schema = catchThrowableOfType(SchemaRegistryException.class,
                    () -> client.lookupId("y-value", SCHEMA));
            assertThat(schema.errorCode()).as("error code").isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        assertThat(peer.requests().get(0).rawPath()).as("lookup path").isEqualTo("/subjects/s-value");
        assertThat(peer.requests()).as("4xx answers are not retried").hasSize(3);
    }

    @Test
    @DisplayName("schemaById maps 404/40403 to SchemaNotFoundException, but a bare 404 (wrong base URL) to a plain SchemaRegistryException")
    void unknownIdVersusWrongUrl() {
        peer.reply(404, "{\"error_code\":40403,\"message\":\"Schema 77 not found\"}")
                .reply(404, "<html>Not Found</html>");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            SchemaNotFoundException unknown = catchThrowableOfType(SchemaNotFoundException.class, () -> client.schemaById(77));
            assertThat(unknown.schemaId()).as("id").hasValue(77);

            SchemaRegistryException bare = catchThrowableOfType(SchemaRegistryException.class, () -> client.schemaById(78));
            assertThat(bare).as("bare 404").isNotInstanceOf(SchemaNotFoundException.class);
            assertThat(bare.errorCode()).as("error code").isEqualTo(SchemaRegistryException.NO_ERROR_CODE);
        }
    }

    @Test
    @DisplayName("schemaById refuses a PROTOBUF schema with UnsupportedSchemaException")
    void nonAvroSchema() {
        peer.reply(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            assertThatThrownBy(() -> client.schemaById(4)).as("protobuf schema")
                    .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("PROTOBUF");
        }
    }

    @Test
    @DisplayName("latest, isCompatible and subjects read the documented answers")
    void otherEndpoints() throws IOException {
        peer.reply(200, "{\"subject\":\"s-value\",\"id\":8,\"version\":3,\"schema\":"
                        + JSON.writeValueAsString(SCHEMA.toString()) + "}")
                .reply(200, "{\"is_compatible\": false}")
                .reply(200, "[\"a-value\",\"b-key\"]");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            assertThat(client.latest("s-value")).as("latest")
                    .isEqualTo(new RegisteredSchema("s-value", 8, 3, SCHEMA));
            assertThat(client.isCompatible("s-value", SCHEMA)).as("compatible").isFalse();
            assertThat(client.subjects()).as("subjects").containsExactly("a-value", "b-key");
        }
        List<ScriptedRegistry.Request> requests = peer.requests();
        assertThat(requests.get(0).rawPath()).as("latest path").isEqualTo("/subjects/s-value/versions/latest");
        assertThat(requests.get(1).rawPath()).as("compatibility path")
                .isEqualTo("/compatibility/subjects/s-value/versions/latest");
        assertThat(requests.get(1).method()).as("compatibility method").isEqualTo("POST");
        assertThat(requests.get(2).rawPath()).as("subjects path").isEqualTo("/subjects");
    }

    @Test
    @DisplayName("a subject with a slash and a space is sent as one encoded path segment")
    void subjectIsEncoded() {
        peer.reply(200, "{\"id\": 1}");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            client.register("odd/topic name-value", SCHEMA);
        }
        assertThat(peer.requests().get(0).rawPath()).as("raw path")
                .isEqualTo("/subjects/odd%2Ftopic%20name-value/versions");
    }

    @Test
    @DisplayName("retries 5xx and 429 with backoff, then succeeds")
    void retriesThenSucceeds() {
        peer.reply(503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request to the primary\"}")
                .reply(429, "{\"error_code\":42901,\"message\":\"Rate limit\"}")
                .reply(500, "")
                .reply(200, "{\"id\": 11}");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            assertThat(client.register("s-value", SCHEMA)).as("id after retries").isEqualTo(11);
        }
        assertThat(peer.requests()).as("requests: 3 failures + 1 success").hasSize(4);
    }

    @Test
    @DisplayName("gives up after max retries with RegistryUnavailableException naming the request and the last failure")
    void givesUp() {
        for (int i = 0; i < 4; i++) {
            peer.reply(503, "{\"error_code\":50001,\"message\":\"Error in the backend datastore\"}");
        }
        peer.reply(200, "{\"id\": 1}");   // never reached
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            assertThatThrownBy(() -> client.schemaById(3)).as("after 1 + 3 attempts")
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("GET /schemas/ids/3")
                    .hasMessageContaining("4 attempts")
                    .hasMessageContaining("HTTP 503");
        }
        assertThat(peer.requests()).as("requests").hasSize(4);
    }

    @Test
    @DisplayName("connection refused is RegistryUnavailableException after the retries")
    void connectionRefused() throws IOException {
        RegistryClientConfig config = RegistryClientConfig.forUrls(ScriptedRegistry.refusingUrl().toString())
                .withRetries(2, Duration.ofMillis(1), Duration.ofMillis(2));
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config)) {
            RegistryUnavailableException e = catchThrowableOfType(RegistryUnavailableException.class,
                    () -> client.schemaById(1));
            assertThat(e).as("thrown").isNotNull();
            assertThat(e.getCause()).as("cause").isInstanceOf(ConnectException.class);
            assertThat(e.getMessage()).as("message").contains("3 attempts");
        }
    }

    @Test
    @DisplayName("a URL that refuses connections is skipped for the next one, which then stays preferred")
    void failsOverToNextUrl() throws IOException {
        peer.reply(200, "{\"id\": 21}").reply(200, "{\"id\": 22}");
        RegistryClientConfig config = RegistryClientConfig.forUrls(
                        ScriptedRegistry.refusingUrl().toString(), peer.url().toString())
                .withRetries(0, Duration.ofMillis(1), Duration.ofMillis(1));
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config)) {
            assertThat(client.register("a-value", SCHEMA)).as("first call, via the second URL").isEqualTo(21);
            assertThat(client.register("b-value", SCHEMA)).as("second call").isEqualTo(22);
        }
        assertThat(peer.requests()).as("requests that reached the live URL").hasSize(2);
    }

    @Test
    @DisplayName("a registry that does not answer in time is RegistryUnavailableException caused by a timeout")
    void requestTimeout() {
        peer.hang().hang();
        RegistryClientConfig config = config().withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200));
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config)) {
            RegistryUnavailableException e = catchThrowableOfType(RegistryUnavailableException.class,
                    () -> client.schemaById(1));
            assertThat(e.getCause()).as("cause").isInstanceOf(HttpTimeoutException.class);
        }
        assertThat(peer.requests()).as("requests: first attempt and one retry").hasSize(2);
    }

    @Test
    @DisplayName("sends basic-auth credentials as an Authorization header")
    void basicAuthHeader() {
        peer.reply(200, "[]");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config().withBasicAuth("alice:s3cret:x"))) {
            assertThat(client.subjects()).as("subjects").isEmpty();
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret:x".getBytes(StandardCharsets.UTF_8));
        assertThat(peer.requests().get(0).header("Authorization")).as("Authorization header").isEqualTo(expected);
    }

    @Test
    @DisplayName("a 2xx answer without the documented field is a SchemaRegistryException, not a NullPointerException")
    void malformedAnswer() {
        peer.reply(200, "{\"identifier\": 3}");
        try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(config())) {
            assertThatThrownBy(() -> client.register("s-value", SCHEMA)).as("answer without id")
                    .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("\"id\"");
        }
    }

    @Test
    @DisplayName("refuses calls after close")
    void closed() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(config());
        client.close();
        assertThatThrownBy(client::subjects).as("call after close").isInstanceOf(IllegalStateException.class);
        assertThat(peer.requests()).as("requests").isEmpty();
    }
}
