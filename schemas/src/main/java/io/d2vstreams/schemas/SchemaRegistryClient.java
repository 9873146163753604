package io.d2vstreams.schemas;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that d2v-streams uses
 * (https://docs.confluent.io/platform/current/schema-registry/develop/api.html), for Avro schemas.
 *
 * <p>Every method may throw {@link RegistryUnavailableException} (registry down, timing out or
 * answering 5xx after retries) and {@link SchemaRegistryException} (the registry refused).
 * Implementations are thread-safe.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject} (a no-op returning the existing id if it is
     * already there). {@code POST /subjects/{subject}/versions}.
     *
     * @return the schema's global id
     * @throws SchemaRegistryException with {@link SchemaRegistryException#INCOMPATIBLE_SCHEMA} if the
     *     subject's compatibility rules reject it
     */
    int register(String subject, Schema schema);

    /**
     * The id of {@code schema} if it is registered under {@code subject}, without registering it.
     * {@code POST /subjects/{subject}}.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#SUBJECT_NOT_FOUND} or
     *     {@link SchemaRegistryException#SCHEMA_NOT_FOUND}
     */
    int lookupId(String subject, Schema schema);

    /**
     * The schema with this global id. {@code GET /schemas/ids/{id}}.
     *
     * @throws SchemaNotFoundException if the registry has no schema with this id
     * @throws UnsupportedSchemaException if the schema is not a self-contained Avro schema
     */
    Schema schemaById(int id);

    /** The latest version under {@code subject}. {@code GET /subjects/{subject}/versions/latest}. */
    RegisteredSchema latest(String subject);

    /**
     * Whether {@code schema} may be registered under {@code subject} by the subject's compatibility
     * rules, checked against the latest version. {@code POST /compatibility/subjects/{subject}/versions/latest}.
     */
    boolean isCompatible(String subject, Schema schema);

    /** All subjects. {@code GET /subjects}. */
    List<String> subjects();

    /** Releases the client; calls after close fail with {@link IllegalStateException}. */
    @Override
    void close();
}
