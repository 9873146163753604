package io.d2vstreams.schemas;

import io.d2vstreams.schemas.internal.ClientHolder;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link SpecificAvroSerializer} and {@link SpecificAvroDeserializer} as one {@link Serde}, what a
 * topology passes to {@code Consumed.with} / {@code Produced.with}. Configured by class name, it
 * builds one registry client for both and closes it on {@link #close()}.
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final ClientHolder clients;
    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    /** For Kafka to instantiate by class name; {@code specific.avro.value.type} names {@code T}. */
    public SpecificAvroSerde() {
        this.clients = ClientHolder.fromConfiguration();
        this.serializer = new SpecificAvroSerializer<>();
        this.deserializer = new SpecificAvroDeserializer<>();
    }

    /** Ready for values of {@code type}; the caller keeps ownership of {@code client}. */
    public SpecificAvroSerde(SchemaRegistryClient client, Class<T> type) {
        this.clients = ClientHolder.given(client);
        this.serializer = new SpecificAvroSerializer<>(client);
        this.deserializer = new SpecificAvroDeserializer<>(client, type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryClient client = clients.resolve(configs);
        serializer.configureWith(client, configs, isKey);
        deserializer.configureWith(client, configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
        clients.close();
    }
}
