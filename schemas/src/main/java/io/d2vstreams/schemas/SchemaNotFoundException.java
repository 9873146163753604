package io.d2vstreams.schemas;

/**
 * The registry has no schema for the id or subject asked (404 with error code 40403). For a schema
 * id read from a record, the record is bad: deserializers turn this into
 * {@link DecodeFailure#UNKNOWN_SCHEMA_ID}.
 *
 * <p>Only the Confluent error code counts: a bare 404 (a wrong base URL, a proxy page) is a
 * configuration problem, reported as a plain {@link SchemaRegistryException}, so it never sends
 * good records to the dead-letter topic.
 */
public class SchemaNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SchemaNotFoundException(String operation, int status, String registryMessage, String subject,
                                   Integer schemaId) {
        super(operation, status, SCHEMA_NOT_FOUND, registryMessage, subject, schemaId);
    }
}
