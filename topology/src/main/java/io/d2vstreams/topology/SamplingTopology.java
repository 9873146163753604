package io.d2vstreams.topology;

import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.internal.EventDecoder;
import io.d2vstreams.topology.internal.SamplingProcessor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

import java.util.Locale;

/**
 * The sampling topology: per modality, {@code d2v.events.<m>} → decode → sample by id hash →
 * rate limit → {@code d2v.training.samples}. A separate Kafka Streams application from the
 * embedding topology (its own application id and consumer group), so it can fail, lag or be
 * scaled without touching serving, and still reads every event exactly once.
 */
public final class SamplingTopology {
    private SamplingTopology() {
    }

    public static String sourceName(Modality modality) {
        return lower(modality) + "-events-for-sampling";
    }

    public static String processorName(Modality modality) {
        return "sample-" + lower(modality);
    }

    public static String sinkName(Modality modality) {
        return lower(modality) + "-training-samples";
    }

    public static Topology addPath(Topology topology, Topics topics, Modality modality, EventDecoder decoder,
                                   SamplingPolicy policy, Serializer<TrainingSample> sampleSerializer) {
        String source = sourceName(modality);
        String processor = processorName(modality);
        topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.events(modality));
        topology.addProcessor(processor, () -> new SamplingProcessor(modality, decoder, policy), source);
        topology.addSink(sinkName(modality), topics.trainingSamples(), new StringSerializer(), sampleSerializer, processor);
        return topology;
    }

    private static String lower(Modality modality) {
        return modality.name().toLowerCase(Locale.ROOT);
    }
}
