package io.d2vstreams.schemas;

import io.d2vstreams.schemas.internal.ClientHolder;
import io.d2vstreams.schemas.internal.WireDecoder;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format values as a generated Avro class: the writer schema comes from the
 * registry, the reader schema is {@code T}'s, and Avro schema resolution bridges them, so records
 * written with an older or newer compatible schema read fine (a field the writer lacked takes the
 * reader's default). Null bytes (tombstones) give null.
 *
 * <p>By class name, {@code T} comes from {@code specific.avro.value.type} (or {@code .key.type}).
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final ClientHolder clients;
    private final Class<T> fixedType;
    private volatile Class<T> type;
    private volatile WireDecoder decoder;

    /** For Kafka to instantiate by class name; call {@link #configure} before use. */
    public SpecificAvroDeserializer() {
        this.clients = ClientHolder.fromConfiguration();
        this.fixedType = null;
    }

    /** Ready to read values as {@code type}; the caller keeps ownership of {@code client}. */
    public SpecificAvroDeserializer(SchemaRegistryClient client, Class<T> type) {
        this.clients = ClientHolder.given(client);
        this.fixedType = Objects.requireNonNull(type, "type");
        this.type = type;
        this.decoder = decoderFor(client, type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configureWith(clients.resolve(configs), configs, isKey);
    }

    @SuppressWarnings("unchecked")
    void configureWith(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        Class<T> chosen = fixedType;
        if (chosen == null) {
            chosen = (Class<T>) AvroSerdeConfig.fromProperties(configs).specificType(isKey)
                    .orElseThrow(() -> new ConfigException(AvroSerdeConfig.specificTypeKey(isKey), null,
                            "expected the generated Avro class to read " + (isKey ? "keys" : "values")
                                    + " as, e.g. io.d2vstreams.avro.TextEvent"));
        }
        type = chosen;
        decoder = decoderFor(client, chosen);
    }

    private static WireDecoder decoderFor(SchemaRegistryClient client, Class<?> type) {
        SpecificData model = SpecificData.getForClass(type);
        return new WireDecoder(client, model.getSchema(type), model);
    }

    /**
     * @return the record, or null for null bytes
     * @throws RecordDecodeException when the bytes are bad or their writer schema cannot be resolved
     *     to {@code T} (dead-letter the record)
     * @throws RegistryUnavailableException when the registry cannot be reached (retry; never dead-letter)
     * @throws SchemaRegistryException when the registry refuses the lookup (e.g. 401: configuration)
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        WireDecoder current = decoder;
        if (current == null) {
            throw new IllegalStateException("SpecificAvroDeserializer is not configured: call configure(...) or construct it with a SchemaRegistryClient and a type");
        }
        return type.cast(current.decode(topic, data));
    }

    @Override
    public void close() {
        clients.close();
    }
}
