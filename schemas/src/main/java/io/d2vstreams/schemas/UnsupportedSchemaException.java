package io.d2vstreams.schemas;

/**
 * The registry holds a schema under the id, but not one this client can use: another schema type
 * (PROTOBUF, JSON), an Avro schema with references to other subjects, or text that does not parse
 * as Avro. For a schema id read from a record, the record is bad: deserializers turn this into
 * {@link DecodeFailure#SCHEMA_MISMATCH}.
 */
public class UnsupportedSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public UnsupportedSchemaException(String operation, String problem, String subject, Integer schemaId) {
        super(operation, 0, NO_ERROR_CODE, problem, subject, schemaId);
    }
}
