package io.d2vstreams.devstack;

/** Small Avro schemas for registry tests: one record and its evolutions. */
final class TestSchemas {

    private TestSchemas() {
    }

    /** {@code Event {id: string}}. */
    static final String V1 = """
        {"type": "record", "name": "Event", "namespace": "io.d2vstreams.test",
         "fields": [{"name": "id", "type": "string"}]}""";

    /** V1 with the attributes in another order and other whitespace: the same schema. */
    static final String V1_REFORMATTED = """
        {"namespace":"io.d2vstreams.test","fields":[{"type":"string","name":"id"}],"name":"Event","type":"record"}""";

    /** V1 plus a field with a default: BACKWARD and FORWARD compatible. */
    static final String V2_WITH_DEFAULT = """
        {"type": "record", "name": "Event", "namespace": "io.d2vstreams.test",
         "fields": [{"name": "id", "type": "string"}, {"name": "text", "type": "string", "default": ""}]}""";

    /** V1 plus a field without a default: a new reader cannot fill it from old data, so not BACKWARD compatible. */
    static final String V2_NO_DEFAULT = """
        {"type": "record", "name": "Event", "namespace": "io.d2vstreams.test",
         "fields": [{"name": "id", "type": "string"}, {"name": "text", "type": "string"}]}""";

    /** Another record, unrelated to Event. */
    static final String OTHER = """
        {"type": "record", "name": "Other", "namespace": "io.d2vstreams.test",
         "fields": [{"name": "n", "type": "long"}]}""";

    /** A third, unrelated record. */
    static final String THIRD = """
        {"type": "record", "name": "Third", "namespace": "io.d2vstreams.test",
         "fields": [{"name": "x", "type": "int"}]}""";

    /** Valid JSON, invalid Avro: an unknown type name. */
    static final String INVALID = """
        {"type": "record", "name": "Broken", "fields": [{"name": "x", "type": "no.such.Type"}]}""";
}
