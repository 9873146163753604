package io.d2vstreams.schemas;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.avro.specific.SpecificRecord;

/**
 * Serde options read in {@code configure(Map, isKey)}, with Confluent's key names so existing client
 * configurations work. The registry connection itself is {@link RegistryClientConfig}.
 *
 * @param autoRegisterSchemas register the record's schema on first use (else only look its id up)
 * @param specificKeyType generated class that keys deserialize to, or null
 * @param specificValueType generated class that values deserialize to, or null
 */
public record AvroSerdeConfig(boolean autoRegisterSchemas, Class<?> specificKeyType, Class<?> specificValueType) {

    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    public static final String AUTO_REGISTER_SCHEMAS_DOC =
            "Register a record's schema under <topic>-value (or -key) on first use. When false the schema must "
                    + "already be registered there, and serializing fails with error code 40401/40403 otherwise.";
    public static final String SPECIFIC_AVRO_KEY_TYPE_CONFIG = "specific.avro.key.type";
    public static final String SPECIFIC_AVRO_KEY_TYPE_DOC =
            "Generated Avro class that SpecificAvroDeserializer reads keys as, e.g. io.d2vstreams.avro.TextEvent.";
    public static final String SPECIFIC_AVRO_VALUE_TYPE_CONFIG = "specific.avro.value.type";
    public static final String SPECIFIC_AVRO_VALUE_TYPE_DOC =
            "Generated Avro class that SpecificAvroDeserializer reads values as, e.g. io.d2vstreams.avro.TextEvent.";

    private static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, AUTO_REGISTER_SCHEMAS_DOC)
            .define(SPECIFIC_AVRO_KEY_TYPE_CONFIG, Type.CLASS, null, AvroSerdeConfig::validateSpecificType,
                    Importance.LOW, SPECIFIC_AVRO_KEY_TYPE_DOC)
            .define(SPECIFIC_AVRO_VALUE_TYPE_CONFIG, Type.CLASS, null, AvroSerdeConfig::validateSpecificType,
                    Importance.LOW, SPECIFIC_AVRO_VALUE_TYPE_DOC);

    /** A copy of the definition of every key {@link #fromProperties(Map)} reads. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG_DEF);
    }

    /**
     * Reads the keys above and ignores all others.
     *
     * @throws ConfigException naming the key, the value and what was expected
     */
    public static AvroSerdeConfig fromProperties(Map<String, ?> props) {
        Map<String, Object> values = CONFIG_DEF.parse(props);
        return new AvroSerdeConfig((Boolean) values.get(AUTO_REGISTER_SCHEMAS_CONFIG),
                (Class<?>) values.get(SPECIFIC_AVRO_KEY_TYPE_CONFIG),
                (Class<?>) values.get(SPECIFIC_AVRO_VALUE_TYPE_CONFIG));
    }

    /** The specific type configured for keys or values, if any. */
    public Optional<Class<?>> specificType(boolean isKey) {
        return Optional.ofNullable(isKey ? specificKeyType : specificValueType);
    }

    /** The config key that names the specific type for keys or values. */
    public static String specificTypeKey(boolean isKey) {
        return isKey ? SPECIFIC_AVRO_KEY_TYPE_CONFIG : SPECIFIC_AVRO_VALUE_TYPE_CONFIG;
    }

    private static void validateSpecificType(String name, Object value) {
        if (value != null && !SpecificRecord.class.isAssignableFrom((Class<?>) value)) {
            throw new ConfigException(name, ((Class<?>) value).getName(),
                    "expected a class generated from an Avro record schema (a SpecificRecord), e.g. io.d2vstreams.avro.TextEvent");
        }
    }
}
