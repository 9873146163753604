package io.d2vstreams.topology;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.internal.BatchEncoder;
import io.d2vstreams.topology.internal.BufferedRecordSerde;
import io.d2vstreams.topology.internal.EmbeddingRecordFactory;
import io.d2vstreams.topology.internal.EventDecoder;
import io.d2vstreams.topology.internal.MicroBatchProcessor;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.util.Locale;
import java.util.Map;

/**
 * The embedding topology: per modality, {@code d2v.events.<m>} → decode, validate, micro-batch
 * → encode → {@code d2v.embeddings.<m>}, with refusals to {@code d2v.dlq}. Nodes and stores are
 * named after the modality ({@code text-events}, {@code embed-text}, {@code text-batch-buffer},
 * {@code text-embeddings}, {@code text-dead-letters}) so descriptions, metrics and logs read
 * like the flow diagram. Text, image and audio paths live side by side in one topology (one
 * Streams application); they share only the dead-letter topic.
 */
public final class EmbeddingTopology {
    private EmbeddingTopology() {
    }

    /**
     * What one modality's path needs, apart from the topic names.
     *
     * @param limits the record sizes the path must respect: its buffer changelog is created with
     *               {@code max.message.bytes} = {@link RecordLimits#bufferedBytes}, a record that would be larger
     *               is dead-lettered as {@link DeadLetterReason#RECORD_TOO_LARGE}, and no dead letter is larger
     *               than {@link RecordLimits#derivedBytes}
     */
    public record ModalityPath(Modality modality, BatchPolicy batch, EventDecoder decoder, BatchEncoder encoder,
                               PipelineMetrics metrics, RecordLimits limits) {
        public ModalityPath(Modality modality, BatchPolicy batch, EventDecoder decoder, BatchEncoder encoder,
                            PipelineMetrics metrics) {
            this(modality, batch, decoder, encoder, metrics, RecordLimits.of(PipelineConfig.defaults()));
        }

        public ModalityPath(Modality modality, BatchPolicy batch, EventDecoder decoder, BatchEncoder encoder) {
            this(modality, batch, decoder, encoder, PipelineMetrics.NONE);
        }
    }

    public static String sourceName(Modality modality) {
        return lower(modality) + "-events";
    }

    public static String processorName(Modality modality) {
        return "embed-" + lower(modality);
    }

    public static String bufferStoreName(Modality modality) {
        return lower(modality) + "-batch-buffer";
    }

    /** The version of the last embedded batch and the last input offset seen: where swap points come from. */
    public static String swapStateStoreName(Modality modality) {
        return lower(modality) + "-swap-state";
    }

    public static String swapPointsSinkName(Modality modality) {
        return lower(modality) + "-swap-points";
    }

    public static String embeddingsSinkName(Modality modality) {
        return lower(modality) + "-embeddings";
    }

    public static String deadLettersSinkName(Modality modality) {
        return lower(modality) + "-dead-letters";
    }

    /** Adds one modality's path to {@code topology}; its swap points go to {@code d2v.backfill}. */
    public static Topology addPath(Topology topology, Topics topics, ModalityPath path,
                                   Serializer<Embedding> embeddingSerializer, Serializer<BackfillEvent> backfillSerializer) {
        Modality modality = path.modality();
        String source = sourceName(modality);
        String processor = processorName(modality);
        String store = bufferStoreName(modality);
        String embeddingsSink = embeddingsSinkName(modality);
        String deadLettersSink = deadLettersSinkName(modality);
        String swapState = swapStateStoreName(modality);
        String swapPointsSink = swapPointsSinkName(modality);

        topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.events(modality));
        topology.addProcessor(processor, () -> new MicroBatchProcessor(modality, store, path.batch(), path.decoder(),
                path.encoder(), new EmbeddingRecordFactory(modality), embeddingsSink, deadLettersSink, path.metrics(),
                path.limits().bufferedBytes(modality), path.limits().derivedBytes(), swapState, swapPointsSink), source);
        // In memory for speed, logged for safety: the changelog is what makes the buffer crash-safe.
        // Cached, so that the changelog receives only what is still buffered when a commit comes:
        // see MicroBatchProcessor ("Only what a commit finds buffered is logged").
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(store),
                Serdes.Long(), new BufferedRecordSerde()).withLoggingEnabled(changelogConfig(path)).withCachingEnabled(),
                processor);
        // Two numbers per task; cached, so the changelog gets one write per commit, not one per record.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(swapState),
                Serdes.String(), Serdes.Long()).withLoggingEnabled(Map.of()).withCachingEnabled(), processor);
        topology.addSink(swapPointsSink, topics.backfill(), new StringSerializer(), backfillSerializer, processor);
        topology.addSink(embeddingsSink, topics.embeddings(modality), new StringSerializer(), embeddingSerializer, processor);
        topology.addSink(deadLettersSink, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(), processor);
        return topology;
    }

    private static Map<String, String> changelogConfig(ModalityPath path) {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(path.limits().bufferedBytes(path.modality())));
    }

    private static String lower(Modality modality) {
        return modality.name().toLowerCase(Locale.ROOT);
    }
}
