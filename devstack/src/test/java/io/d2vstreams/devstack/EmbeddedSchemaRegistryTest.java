package io.d2vstreams.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.d2vstreams.devstack.RegistryHttp.Reply;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.d2vstreams.devstack.RegistryHttp.schemaBody;
import static io.d2vstreams.devstack.TestSchemas.INVALID;
import static io.d2vstreams.devstack.TestSchemas.OTHER;
import static io.d2vstreams.devstack.TestSchemas.V1;
import static io.d2vstreams.devstack.TestSchemas.V1_REFORMATTED;
import static io.d2vstreams.devstack.TestSchemas.V2_NO_DEFAULT;
import static io.d2vstreams.devstack.TestSchemas.V2_WITH_DEFAULT;
import static org.assertj.core.api.Assertions.assertThat;

/** The registry's REST API, checked over HTTP against one registry on one broker. Each test uses its own subjects. */
@DisplayName("EmbeddedSchemaRegistry REST API")
class EmbeddedSchemaRegistryTest {

    @TempDir
    static Path dir;

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;
    private static RegistryHttp http;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir).port(0).build());
        registry = EmbeddedSchemaRegistry.start(RegistryOptions.builder(broker.bootstrapServers()).port(0).build());
        http = new RegistryHttp(registry.url());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @DisplayName("registering the same schema twice, even reformatted, returns the same id and makes one version")
    void registerIsIdempotent() {
        int first = http.register("same-value", V1);
        int second = http.register("same-value", V1_REFORMATTED);

        assertThat(second).as("id of the same schema registered again").isEqualTo(first);
        assertThat(ints(http.get("/subjects/same-value/versions").body())).as("versions of same-value").containsExactly(1);
        assertThat(texts(http.get("/subjects").body())).as("GET /subjects").contains("same-value");
    }

    @Test
    @DisplayName("a schema already registered under another subject keeps its global id")
    void sameSchemaOtherSubjectSharesId() {
        int id = http.register("shared-a-value", OTHER);
        int again = http.register("shared-b-value", OTHER);

        assertThat(again).as("id of the same schema under a second subject").isEqualTo(id);
        assertThat(texts(http.get("/schemas/ids/" + id + "/subjects").body())).as("subjects of id " + id)
            .containsExactly("shared-a-value", "shared-b-value");
        JsonNode versions = http.get("/schemas/ids/" + id + "/versions").body();
        assertThat(versions.findValuesAsText("subject")).as("subject versions of id " + id)
            .containsExactly("shared-a-value", "shared-b-value");
    }

    @Test
    @DisplayName("a version is served by number, as latest, as its bare schema, and by global id")
    void readsVersionsAndIds() {
        int id1 = http.register("read-value", V1);
        int id2 = http.register("read-value", V2_WITH_DEFAULT);

        Reply v1 = http.get("/subjects/read-value/versions/1");
        assertThat(v1.status()).as("status of GET version 1").isEqualTo(200);
        assertThat(v1.contentType()).as("content type").isEqualTo(RegistryHttp.CONTENT_TYPE);
        assertThat(v1.body().get("subject").asText()).as("subject of version 1").isEqualTo("read-value");
        assertThat(v1.body().get("version").asInt()).as("version of version 1").isEqualTo(1);
        assertThat(v1.body().get("id").asInt()).as("id of version 1").isEqualTo(id1);
        assertThat(parse(v1.body().get("schema").asText())).as("schema of version 1").isEqualTo(parse(V1));

        Reply latest = http.get("/subjects/read-value/versions/latest");
        assertThat(latest.body().get("version").asInt()).as("version of latest").isEqualTo(2);
        assertThat(latest.body().get("id").asInt()).as("id of latest").isEqualTo(id2);

        Reply bare = http.get("/subjects/read-value/versions/2/schema");
        assertThat(parse(bare.body().toString())).as("bare schema of version 2").isEqualTo(parse(V2_WITH_DEFAULT));

        Reply byId = http.get("/schemas/ids/" + id2);
        assertThat(byId.status()).as("status of GET /schemas/ids/" + id2).isEqualTo(200);
        assertThat(parse(byId.body().get("schema").asText())).as("schema of id " + id2).isEqualTo(parse(V2_WITH_DEFAULT));
        assertThat(parse(http.get("/schemas/ids/" + id1 + "/schema").body().toString())).as("bare schema of id " + id1)
            .isEqualTo(parse(V1));
        assertThat(texts(http.get("/schemas/types").body())).as("schema types").containsExactly("AVRO");
    }

    @Test
    @DisplayName("looking a schema up under a subject returns its subject, id, version and schema")
    void looksUpSchemaUnderSubject() {
        int id = http.register("lookup-value", V1);

        Reply found = http.post("/subjects/lookup-value", schemaBody(V1_REFORMATTED));
        assertThat(found.status()).as("status of lookup").isEqualTo(200);
        assertThat(found.body().get("subject").asText()).as("subject found").isEqualTo("lookup-value");
        assertThat(found.body().get("id").asInt()).as("id found").isEqualTo(id);
        assertThat(found.body().get("version").asInt()).as("version found").isEqualTo(1);
        assertThat(found.body().has("schema")).as("lookup answer has the schema").isTrue();

        assertError(http.post("/subjects/lookup-value", schemaBody(OTHER)), 404, 40403, "lookup of an unregistered schema");
        assertError(http.post("/subjects/no-such-subject", schemaBody(V1)), 404, 40401, "lookup under an unknown subject");
    }

    @Test
    @DisplayName("unknown subjects, versions and ids, and malformed versions, answer Confluent's error codes")
    void notFoundAndInvalidVersionErrors() {
        http.register("errors-value", V1);

        assertError(http.get("/subjects/no-such-subject/versions"), 404, 40401, "versions of an unknown subject");
        assertError(http.get("/subjects/no-such-subject/versions/1"), 404, 40401, "version of an unknown subject");
        assertError(http.get("/subjects/errors-value/versions/99"), 404, 40402, "unknown version");
        assertError(http.get("/subjects/errors-value/versions/abc"), 422, 42202, "non-numeric version");
        assertError(http.get("/subjects/errors-value/versions/0"), 422, 42202, "version 0");
        assertError(http.get("/schemas/ids/999999"), 404, 40403, "unknown schema id");
        assertThat(http.get("/no/such/path").status()).as("status of an unknown path").isEqualTo(404);
        assertThat(http.put("/subjects", Map.of()).status()).as("status of a wrong method on a known path").isEqualTo(405);
    }

    @Test
    @DisplayName("an invalid Avro schema is refused with 42201 and registers nothing")
    void invalidSchema() {
        assertError(http.post("/subjects/invalid-value/versions", schemaBody(INVALID)), 422, 42201, "unknown type name");
        assertError(http.post("/subjects/invalid-value/versions", schemaBody("{not json")), 422, 42201, "schema that is not JSON");
        assertError(http.post("/subjects/invalid-value/versions", Map.of("schema", V1, "schemaType", "PROTOBUF")),
            422, 42201, "a schema type other than AVRO");
        assertError(http.get("/subjects/invalid-value/versions"), 404, 40401, "subject after refused registrations");
    }

    @Test
    @DisplayName("BACKWARD refuses a new field without default with 409, accepts one with a default")
    void backwardCompatibility() {
        http.register("backward-value", V1);

        Reply refused = http.post("/subjects/backward-value/versions", schemaBody(V2_NO_DEFAULT));
        assertError(refused, 409, 409, "adding a field without default under BACKWARD");
        assertThat(refused.body().get("message").asText()).as("409 message names the missing default")
            .contains("READER_FIELD_MISSING_DEFAULT_VALUE");

        Reply check = http.post("/compatibility/subjects/backward-value/versions/latest", schemaBody(V2_NO_DEFAULT));
        assertThat(check.body().get("is_compatible").asBoolean()).as("compatibility check of a field without default").isFalse();
        Reply checkOk = http.post("/compatibility/subjects/backward-value/versions/1", schemaBody(V2_WITH_DEFAULT));
        assertThat(checkOk.body().get("is_compatible").asBoolean()).as("compatibility check of a field with default").isTrue();

        Reply verbose = http.post("/compatibility/subjects/backward-value/versions?verbose=true", schemaBody(V2_NO_DEFAULT));
        assertThat(verbose.body().get("is_compatible").asBoolean()).as("check against the versions the level names").isFalse();
        assertThat(verbose.body().get("messages")).as("verbose check lists the incompatibilities").isNotEmpty();

        http.register("backward-value", V2_WITH_DEFAULT);
        assertThat(ints(http.get("/subjects/backward-value/versions").body())).as("versions after the compatible change")
            .containsExactly(1, 2);
        assertError(http.post("/compatibility/subjects/no-such-subject/versions/latest", schemaBody(V1)),
            404, 40401, "compatibility check under an unknown subject");
    }

    @Test
    @DisplayName("a subject set to NONE accepts the change BACKWARD refuses; subject and global levels read back")
    void subjectCompatibilityLevel() {
        http.register("none-value", V1);

        Reply set = http.put("/config/none-value", Map.of("compatibility", "NONE"));
        assertThat(set.body().get("compatibility").asText()).as("PUT /config/none-value answer").isEqualTo("NONE");
        assertThat(http.get("/config/none-value").body().get("compatibilityLevel").asText()).as("level of none-value")
            .isEqualTo("NONE");
        assertThat(http.post("/subjects/none-value/versions", schemaBody(V2_NO_DEFAULT)).status())
            .as("status of an incompatible change under NONE").isEqualTo(200);

        assertError(http.get("/config/unset-value"), 404, 40408, "level of a subject without its own level");
        assertThat(http.get("/config/unset-value?defaultToGlobal=true").body().get("compatibilityLevel").asText())
            .as("level of a subject without its own level, defaulting to global").isEqualTo("BACKWARD");
        assertError(http.put("/config/none-value", Map.of("compatibility", "SIDEWAYS")), 422, 42203, "unknown level");
        assertThat(http.delete("/config/none-value").body().get("compatibilityLevel").asText())
            .as("DELETE /config/none-value answers the removed level").isEqualTo("NONE");
        assertError(http.get("/config/none-value"), 404, 40408, "level of none-value after DELETE");
    }

    @Test
    @DisplayName("the global level defaults to BACKWARD, can be changed, and governs subjects without their own level")
    void globalCompatibilityLevel() {
        assertThat(http.get("/config").body().get("compatibilityLevel").asText()).as("default global level").isEqualTo("BACKWARD");
        try {
            Reply set = http.put("/config", Map.of("compatibility", "forward"));
            assertThat(set.body().get("compatibility").asText()).as("PUT /config answer (case-insensitive)").isEqualTo("FORWARD");
            assertThat(http.get("/config").body().get("compatibilityLevel").asText()).as("global level after PUT").isEqualTo("FORWARD");
            // FORWARD: old readers must read new data, so adding a field without default is fine now.
            http.register("global-value", V1);
            assertThat(http.post("/subjects/global-value/versions", schemaBody(V2_NO_DEFAULT)).status())
                .as("status of adding a field without default under global FORWARD").isEqualTo(200);
            assertError(http.put("/config", Map.of("compatibility", "SOMETIMES")), 422, 42203, "unknown global level");
        } finally {
            http.put("/config", Map.of("compatibility", "BACKWARD"));
        }
    }

    @Test
    @DisplayName("deletion is soft first, then permanent, with Confluent's codes for each wrong step")
    void softAndPermanentDeletes() {
        int id = http.register("delete-value", V1);
        http.register("delete-value", V2_WITH_DEFAULT);

        assertError(http.delete("/subjects/delete-value/versions/1?permanent=true"), 404, 40407, "permanent delete of a live version");
        assertThat(http.delete("/subjects/delete-value/versions/1").body().asInt()).as("soft-deleted version").isEqualTo(1);
        assertError(http.get("/subjects/delete-value/versions/1"), 404, 40402, "soft-deleted version");
        assertThat(http.get("/subjects/delete-value/versions/1?deleted=true").status()).as("soft-deleted version with deleted=true")
            .isEqualTo(200);
        assertError(http.delete("/subjects/delete-value/versions/1"), 404, 40406, "second soft delete of a version");
        assertThat(http.get("/schemas/ids/" + id).status()).as("id of a soft-deleted version still resolves").isEqualTo(200);
        assertThat(http.delete("/subjects/delete-value/versions/1?permanent=true").body().asInt()).as("permanently deleted version")
            .isEqualTo(1);
        assertError(http.get("/subjects/delete-value/versions/1?deleted=true"), 404, 40402, "permanently deleted version");

        assertError(http.delete("/subjects/delete-value?permanent=true"), 404, 40405, "permanent delete of a live subject");
        assertThat(ints(http.delete("/subjects/delete-value").body())).as("versions soft-deleted with the subject").containsExactly(2);
        assertThat(texts(http.get("/subjects").body())).as("GET /subjects after the soft delete").doesNotContain("delete-value");
        assertThat(texts(http.get("/subjects?deleted=true").body())).as("GET /subjects?deleted=true").contains("delete-value");
        assertError(http.get("/subjects/delete-value/versions"), 404, 40401, "versions of a soft-deleted subject");
        assertError(http.delete("/subjects/delete-value"), 404, 40404, "second soft delete of a subject");
        assertThat(ints(http.delete("/subjects/delete-value?permanent=true").body())).as("versions deleted permanently")
            .containsExactly(2);
        assertError(http.delete("/subjects/delete-value"), 404, 40401, "delete of a permanently deleted subject");

        int again = http.register("delete-value", V1);
        assertThat(again).as("id of V1 registered again after deletion").isEqualTo(id);
        assertThat(ints(http.get("/subjects/delete-value/versions").body())).as("version numbers never reused")
            .containsExactly(3);
    }

    @Test
    @DisplayName("application/json is accepted as a request type; other types are refused with 415")
    void contentTypes() {
        Reply json = http.post("/subjects/content-value/versions", schemaBody(V1), "application/json");
        assertThat(json.status()).as("status of a register sent as application/json").isEqualTo(200);
        assertThat(json.contentType()).as("answer content type").isEqualTo(RegistryHttp.CONTENT_TYPE);
        assertThat(http.post("/subjects/content-value/versions", schemaBody(V1), "text/plain").status())
            .as("status of a register sent as text/plain").isEqualTo(415);
    }

    private static void assertError(Reply reply, int status, int errorCode, String what) {
        assertThat(reply.status()).as("HTTP status of %s (body %s)", what, reply.body()).isEqualTo(status);
        assertThat(reply.errorCode()).as("error_code of %s (body %s)", what, reply.body()).isEqualTo(errorCode);
        assertThat(reply.body().path("message").asText()).as("message of %s", what).isNotBlank();
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asInt()));
        return values;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
