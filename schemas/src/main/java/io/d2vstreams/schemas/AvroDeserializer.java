package io.d2vstreams.schemas;

import io.d2vstreams.schemas.internal.ClientHolder;
import io.d2vstreams.schemas.internal.WireDecoder;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format values as {@link GenericRecord}s with the writer schema from the
 * registry. Null bytes (tombstones) give null.
 */
public class AvroDeserializer implements Deserializer<GenericRecord> {

    private final ClientHolder clients;
    private volatile WireDecoder decoder;

    /** For Kafka to instantiate by class name; call {@link #configure} before use. */
    public AvroDeserializer() {
        this.clients = ClientHolder.fromConfiguration();
    }

    /** Ready to use; the caller keeps ownership of {@code client}. */
    public AvroDeserializer(SchemaRegistryClient client) {
        this.clients = ClientHolder.given(client);
        this.decoder = new WireDecoder(client, null, GenericData.get());
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        configureWith(clients.resolve(configs), configs, isKey);
    }

    void configureWith(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        decoder = new WireDecoder(client, null, GenericData.get());
    }

    /**
     * @return the record, or null for null bytes
     * @throws RecordDecodeException when the bytes are bad (dead-letter the record)
     * @throws RegistryUnavailableException when the registry cannot be reached (retry; never dead-letter)
     * @throws SchemaRegistryException when the registry refuses the lookup (e.g. 401: configuration)
     */
    @Override
    public GenericRecord deserialize(String topic, byte[] data) {
        WireDecoder current = decoder;
        if (current == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure(...) or construct it with a SchemaRegistryClient");
        }
        // WireDecoder only returns records when the reader schema is the writer's and a record.
        return (GenericRecord) current.decode(topic, data);
    }

    @Override
    public void close() {
        clients.close();
    }
}
