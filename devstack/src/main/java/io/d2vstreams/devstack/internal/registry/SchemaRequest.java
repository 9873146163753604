package io.d2vstreams.devstack.internal.registry;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The body of a register, lookup or compatibility request: {@code {"schema": "...", "schemaType": "AVRO",
 * "references": []}}.
 *
 * @param schemaType   null means AVRO, as in Confluent
 * @param references   how many schema references the request carried
 */
public record SchemaRequest(String schema, String schemaType, int references) {

    private static final String AVRO = "AVRO";

    /**
     * Parses the schema with Avro's parser. Only self-contained Avro schemas are supported: the
     * embedded registry resolves no references and serves no Protobuf or JSON Schema.
     */
    Schema parse() {
        if (schemaType != null && !AVRO.equals(schemaType)) {
            throw RegistryException.invalidSchema("unsupported schemaType '" + schemaType + "', only AVRO is served");
        }
        if (references > 0) {
            throw RegistryException.invalidSchema("schema references are not supported by the embedded registry");
        }
        if (schema == null || schema.isBlank()) {
            throw RegistryException.invalidSchema("the request has no \"schema\" string");
        }
        try {
            // A new parser each time: a parser remembers the named types it has seen.
            return new Schema.Parser().parse(schema);
        } catch (AvroRuntimeException e) {
            throw RegistryException.invalidSchema(e.getMessage());
        }
    }

    /**
     * The form that decides whether two schemas are "the same": Avro's normalised JSON ({@link Schema#toString()}),
     * which ignores whitespace and attribute order. Unlike Avro's parsing canonical form it keeps defaults,
     * docs, aliases and logical types: two schemas that differ only in a default resolve data differently,
     * so they must get different versions. Confluent compares the same string.
     */
    static String canonical(Schema schema) {
        return schema.toString();
    }
}
