package io.d2vstreams.schemas;

import io.d2vstreams.schemas.internal.ClientHolder;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroSerializer} and {@link AvroDeserializer} as one {@link Serde}. Configured by class
 * name, it builds one registry client for both and closes it on {@link #close()}.
 */
public class GenericAvroSerde implements Serde<GenericRecord> {

    private final ClientHolder clients;
    private final AvroSerializer serializer;
    private final AvroDeserializer deserializer;

    /** For Kafka to instantiate by class name; call {@link #configure} before use. */
    public GenericAvroSerde() {
        this.clients = ClientHolder.fromConfiguration();
        this.serializer = new AvroSerializer();
        this.deserializer = new AvroDeserializer();
    }

    /** Ready for values; the caller keeps ownership of {@code client}. */
    public GenericAvroSerde(SchemaRegistryClient client) {
        this.clients = ClientHolder.given(client);
        this.serializer = new AvroSerializer(client);
        this.deserializer = new AvroDeserializer(client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryClient client = clients.resolve(configs);
        serializer.configureWith(client, configs, isKey);
        deserializer.configureWith(client, configs, isKey);
    }

    @Override
    public Serializer<GenericRecord> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<GenericRecord> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
        clients.close();
    }
}
