package io.d2vstreams.schemas;

import io.d2vstreams.schemas.internal.ClientHolder;
import io.d2vstreams.schemas.internal.WireEncoder;
import java.util.Map;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records ({@code io.d2vstreams.avro.*}) in the Confluent wire format, with
 * the class's schema as the writer schema, registered under {@code <topic>-value} (or {@code -key}).
 * Same construction rules as {@link AvroSerializer}.
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    /** The model of the last record class seen: looking it up reflects on the class, too slow per record. */
    private record Model(Class<?> type, SpecificData data) {
    }

    private final ClientHolder clients;
    private volatile WireEncoder encoder;
    private volatile Model model = new Model(null, null);

    /** For Kafka to instantiate by class name; call {@link #configure} before use. */
    public SpecificAvroSerializer() {
        this.clients = ClientHolder.fromConfiguration();
    }

    /** Ready to serialize values, registering schemas; the caller keeps ownership of {@code client}. */
    public SpecificAvroSerializer(SchemaRegistryClient client) {
        this.clients = ClientHolder.given(client);
        this.encoder = new WireEncoder(client, false, true);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configureWith(clients.resolve(configs), configs, isKey);
    }

    void configureWith(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        encoder = new WireEncoder(client, isKey, AvroSerdeConfig.fromProperties(configs).autoRegisterSchemas());
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        WireEncoder current = encoder;
        if (current == null) {
            throw new IllegalStateException("SpecificAvroSerializer is not configured: call configure(...) or construct it with a SchemaRegistryClient");
        }
        Model known = model;
        if (known.type() != record.getClass()) {
            known = new Model(record.getClass(), SpecificData.getForClass(record.getClass()));
            model = known;
        }
        return current.encode(topic, record, record.getSchema(), known.data());
    }

    @Override
    public void close() {
        clients.close();
    }
}
