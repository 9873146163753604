package io.d2vstreams.schemas;

import io.d2vstreams.schemas.internal.ClientHolder;
import io.d2vstreams.schemas.internal.WireEncoder;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@link GenericRecord}s in the Confluent wire format, with the record's own schema as the
 * writer schema, registered under {@code <topic>-value} (or {@code -key}).
 *
 * <p>Use it with a client ({@link #AvroSerializer(SchemaRegistryClient)}; ready for values, no
 * {@code configure} needed) or by class name ({@link #AvroSerializer()} then {@code configure} with
 * {@code schema.registry.url} and friends, see {@link RegistryClientConfig} and {@link AvroSerdeConfig}).
 */
public class AvroSerializer implements Serializer<GenericRecord> {

    private final ClientHolder clients;
    private volatile WireEncoder encoder;

    /** For Kafka to instantiate by class name; call {@link #configure} before use. */
    public AvroSerializer() {
        this.clients = ClientHolder.fromConfiguration();
    }

    /** Ready to serialize values, registering schemas; the caller keeps ownership of {@code client}. */
    public AvroSerializer(SchemaRegistryClient client) {
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
    public byte[] serialize(String topic, GenericRecord record) {
        if (record == null) {
            return null;
        }
        return ready().encode(topic, record, record.getSchema(), GenericData.get());
    }

    private WireEncoder ready() {
        WireEncoder current = encoder;
        if (current == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure(...) or construct it with a SchemaRegistryClient");
        }
        return current;
    }

    @Override
    public void close() {
        clients.close();
    }
}
