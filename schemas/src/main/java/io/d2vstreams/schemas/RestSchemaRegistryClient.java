package io.d2vstreams.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.schemas.internal.BoundedCache;
import io.d2vstreams.schemas.internal.RegistryHttp;
import io.d2vstreams.schemas.internal.RegistryHttp.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * {@link SchemaRegistryClient} over the Confluent REST API with {@link java.net.http.HttpClient}.
 *
 * <p>Ids and schemas never change once assigned, so id→schema and (subject, schema)→id are cached
 * (bounded, per instance); {@link #latest}, {@link #isCompatible} and {@link #subjects} always ask.
 * Thread-safe. Request and response bodies follow "Schemas", "Subjects" and "Compatibility" in
 * https://docs.confluent.io/platform/current/schema-registry/develop/api.html.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final String AVRO = "AVRO";

    private record SubjectSchema(String subject, Schema schema) {
    }

    private final RegistryClientConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final RegistryHttp http;
    private final BoundedCache<Integer, Schema> schemasById;
    private final BoundedCache<SubjectSchema, Integer> idsBySubjectSchema;
    private volatile boolean closed;

    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = new RegistryHttp(config, json);
        this.schemasById = new BoundedCache<>(config.cacheCapacity());
        this.idsBySubjectSchema = new BoundedCache<>(config.cacheCapacity());
    }

    /** A client configured from Confluent-style properties; see {@link RegistryClientConfig#fromProperties}. */
    public static RestSchemaRegistryClient fromProperties(Map<String, ?> props) {
        return new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(props));
    }

    public RegistryClientConfig config() {
        return config;
    }

    @Override
    public int register(String subject, Schema schema) {
        // "POST /subjects/(string: subject)/versions": body {"schema": "..."}; schemaType is left out,
        // which means AVRO. The answer is {"id": n}, the same id if the schema is already there.
        return idFor(subject, schema, "/versions");
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        // "POST /subjects/(string: subject)": same body; answers {"subject", "id", "version", "schema"},
        // or 404 with 40401 (subject not found) / 40403 (schema not found).
        return idFor(subject, schema, "");
    }

    private int idFor(String subject, Schema schema, String pathSuffix) {
        checkOpen();
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        Call call = Call.post("/subjects/" + RegistryHttp.segment(subject) + pathSuffix, schemaBody(schema), subject);
        int id = requiredInt(http.send(call), "id", call);
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        checkOpen();
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        // "GET /schemas/ids/{int: id}": {"schema": "...", "schemaType"?: "...", "references"?: [...]}.
        Call call = Call.get("/schemas/ids/" + id, null, id);
        Schema schema = avroSchema(http.send(call), call);
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        checkOpen();
        Objects.requireNonNull(subject, "subject");
        // "GET /subjects/(string: subject)/versions/latest": {"subject", "id", "version", "schema"}.
        Call call = Call.get("/subjects/" + RegistryHttp.segment(subject) + "/versions/latest", subject, null);
        JsonNode body = http.send(call);
        int id = requiredInt(body, "id", call);
        Schema schema = avroSchema(body, new Call(call.method(), call.path(), null, subject, id));
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, id, requiredInt(body, "version", call), schema);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        checkOpen();
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        // "POST /compatibility/subjects/(string: subject)/versions/(versionId: version)": {"is_compatible": bool}.
        Call call = Call.post("/compatibility/subjects/" + RegistryHttp.segment(subject) + "/versions/latest",
                schemaBody(schema), subject);
        JsonNode verdict = http.send(call).path("is_compatible");
        if (!verdict.isBoolean()) {
            throw malformed(call, "no boolean \"is_compatible\"");
        }
        return verdict.booleanValue();
    }

    @Override
    public List<String> subjects() {
        checkOpen();
        Call call = Call.get("/subjects", null, null);
        JsonNode body = http.send(call);
        if (!body.isArray()) {
            throw malformed(call, "expected a JSON array of subjects");
        }
        List<String> subjects = new ArrayList<>(body.size());
        body.forEach(node -> subjects.add(node.asText()));
        return List.copyOf(subjects);
    }

    @Override
    public void close() {
        closed = true;
        schemasById.clear();
        idsBySubjectSchema.clear();
    }

    private String schemaBody(Schema schema) {
        try {
            return json.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON string", e);
        }
    }

    private Schema avroSchema(JsonNode body, Call call) {
        String type = body.path("schemaType").asText(AVRO);
        if (!AVRO.equals(type)) {
            throw new UnsupportedSchemaException(call.describe(), "schema is of type " + type
                    + "; this client reads AVRO only", call.subject(), call.schemaId());
        }
        JsonNode references = body.path("references");
        if (references.isArray() && !references.isEmpty()) {
            throw new UnsupportedSchemaException(call.describe(), "schema references other subjects ("
                    + references + "); this client reads self-contained Avro schemas only",
                    call.subject(), call.schemaId());
        }
        JsonNode text = body.path("schema");
        if (!text.isTextual()) {
            throw malformed(call, "no string \"schema\"");
        }
        try {
            // Defaults are not re-validated: a producer's schema with a sloppy default must still decode.
            return new Schema.Parser().setValidateDefaults(false).parse(text.asText());
        } catch (AvroRuntimeException e) {
            throw new UnsupportedSchemaException(call.describe(), "schema does not parse as Avro: " + e.getMessage(),
                    call.subject(), call.schemaId());
        }
    }

    private static int requiredInt(JsonNode body, String field, Call call) {
        JsonNode value = body.path(field);
        if (!value.isInt()) {
            throw malformed(call, "no integer \"" + field + "\"");
        }
        return value.intValue();
    }

    private static SchemaRegistryException malformed(Call call, String problem) {
        return new SchemaRegistryException(call.describe(), 0, SchemaRegistryException.NO_ERROR_CODE,
                "unexpected answer: " + problem, call.subject(), call.schemaId());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("schema registry client is closed");
        }
    }
}
