package io.d2vstreams.cli.client;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Writes events of one modality to its input topic the way any producer should: Avro in the
 * Confluent wire format with the schema from the registry, key = event id, idempotent with
 * {@code acks=all}. {@link #send} returns only when the broker has every record.
 */
public final class EventProducer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final SpecificAvroSerializer<SpecificRecord> serializer;

    public EventProducer(Map<String, Object> clientProperties, SchemaRegistryClient registry) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.serializer = new SpecificAvroSerializer<>(registry);
    }

    /**
     * Sends every input to {@code topic} as a {@code modality} event.
     *
     * @param progress events acknowledged so far
     * @throws IllegalArgumentException when an input does not fit the modality (text for images, bytes for text)
     */
    public void send(String topic, Modality modality, List<EventInput> inputs, IntConsumer progress)
            throws InterruptedException, ExecutionException {
        send(topic, modality, inputs, progress, AS_FAST_AS_POSSIBLE);
    }

    /** When each event goes, and the create time it carries. */
    @FunctionalInterface
    public interface Schedule {
        /** Returns once event {@code index} may be sent, with its create time (epoch milliseconds). */
        long awaitSlot(int index);
    }

    /** Every event at once, stamped with the time it is sent. */
    public static final Schedule AS_FAST_AS_POSSIBLE = index -> System.currentTimeMillis();

    /**
     * Sends every input as {@link #send(String, Modality, List, IntConsumer)} does, each when
     * {@code schedule} lets it go, its event time and record timestamp the time the schedule gives.
     */
    public void send(String topic, Modality modality, List<EventInput> inputs, IntConsumer progress, Schedule schedule)
            throws InterruptedException, ExecutionException {
        List<Future<?>> pending = new java.util.ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            EventInput input = inputs.get(i);
            long createdMs = schedule.awaitSlot(i);
            SpecificRecord event = event(modality, input, createdMs);
            pending.add(producer.send(new ProducerRecord<>(topic, null, createdMs, input.id(),
                    serializer.serialize(topic, event))));
        }
        producer.flush();
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).get();
            progress.accept(i + 1);
        }
    }

    static SpecificRecord event(Modality modality, EventInput input) {
        return event(modality, input, System.currentTimeMillis());
    }

    private static SpecificRecord event(Modality modality, EventInput input, long now) {
        if (modality == Modality.TEXT) {
            if (input.text() == null) {
                throw new IllegalArgumentException("event " + input.id() + ": a text event needs text, not file bytes");
            }
            return TextEvent.newBuilder().setId(input.id()).setText(input.text()).setTimestampMs(now).build();
        }
        if (input.content() == null) {
            throw new IllegalArgumentException("event " + input.id() + ": an " + modality + " event needs file bytes, not text");
        }
        ByteBuffer content = ByteBuffer.wrap(input.content());
        return modality == Modality.IMAGE
                ? ImageEvent.newBuilder().setId(input.id()).setContent(content).setMime(input.mime()).setTimestampMs(now).build()
                : AudioEvent.newBuilder().setId(input.id()).setContent(content).setMime(input.mime()).setTimestampMs(now).build();
    }

    @Override
    public void close() {
        try {
            serializer.close();
        } finally {
            producer.close();
        }
    }
}
