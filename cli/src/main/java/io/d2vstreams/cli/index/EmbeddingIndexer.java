package io.d2vstreams.cli.index;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.BackfillKind;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.schemas.WireModality;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * {@code d2v index}'s loop: reads the embedding topics of some modalities and {@code d2v.backfill}
 * with {@code read_committed} (joining no consumer group: its positions live with the index, see
 * {@link ModalityIndexer}) and hands each embedding and each cut-over to the modality's
 * {@link ModalityIndexer}, committing every {@code commitInterval}.
 */
public final class EmbeddingIndexer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddingIndexer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Topics topics;
    private final Map<Modality, ModalityIndexer> indexers = new EnumMap<>(Modality.class);
    private final Map<String, Modality> modalityOfTopic = new HashMap<>();
    private final KafkaConsumer<byte[], byte[]> embeddings;
    private final KafkaConsumer<byte[], byte[]> backfill;
    private final SpecificAvroDeserializer<Embedding> embeddingValues;
    private final SpecificAvroDeserializer<BackfillEvent> backfillValues;
    private long indexed;

    public EmbeddingIndexer(Map<String, Object> clientProperties, SchemaRegistryClient registry, Topics topics,
                            VectorIndexes indexes, Set<Modality> modalities) throws IOException {
        this.topics = topics;
        this.embeddingValues = new SpecificAvroDeserializer<>(registry, Embedding.class);
        this.backfillValues = new SpecificAvroDeserializer<>(registry, BackfillEvent.class);
        this.embeddings = consumer(clientProperties);
        this.backfill = consumer(clientProperties);
        try {
            List<TopicPartition> assigned = new ArrayList<>();
            for (Modality modality : modalities) {
                ModalityIndexer indexer = new ModalityIndexer(indexes, modality);
                indexers.put(modality, indexer);
                String topic = topics.embeddings(modality);
                modalityOfTopic.put(topic, modality);
                for (TopicPartition partition : partitionsOf(embeddings, topic)) {
                    assigned.add(partition);
                }
            }
            embeddings.assign(assigned);
            for (TopicPartition partition : assigned) {
                Long saved = indexers.get(modalityOfTopic.get(partition.topic())).savedPositions().get(partition.partition());
                if (saved != null) {
                    embeddings.seek(partition, saved);
                } else {
                    embeddings.seekToBeginning(List.of(partition));
                }
            }
            List<TopicPartition> backfillPartitions = partitionsOf(backfill, topics.backfill());
            backfill.assign(backfillPartitions);
            backfill.seekToBeginning(backfillPartitions);
        } catch (RuntimeException | IOException e) {
            close();
            throw e;
        }
    }

    /** Indexes until {@code stop} says so, committing every {@code commitInterval}. */
    public void run(BooleanSupplier stop, Duration commitInterval) throws IOException {
        long nextCommit = System.nanoTime() + commitInterval.toNanos();
        while (!stop.getAsBoolean()) {
            pollOnce();
            if (System.nanoTime() >= nextCommit) {
                commit();
                nextCommit = System.nanoTime() + commitInterval.toNanos();
            }
        }
        commit();
    }

    /** Reads both topics up to their current ends, then commits: what a one-shot index or a test wants. */
    public void catchUp(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp(embeddings) || !caughtUp(backfill)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the index did not catch up with the embedding topics within " + timeout);
            }
            pollOnce();
        }
        commit();
    }

    /** Embeddings put into an index since this indexer started. */
    public long indexed() {
        return indexed;
    }

    private void pollOnce() throws IOException {
        for (ConsumerRecord<byte[], byte[]> record : backfill.poll(Duration.ZERO)) {
            BackfillEvent event = record.value() == null ? null : backfillValues.deserialize(record.topic(), record.value());
            if (event != null && event.getKind() == BackfillKind.CUT_OVER) {
                ModalityIndexer indexer = indexers.get(WireModality.as(Modality.class, event.getModality()));
                if (indexer != null && topics.embeddings(WireModality.as(Modality.class, event.getModality())).equals(
                        String.valueOf(event.getEmbeddingTopic()))) {
                    Map<Integer, Long> ends = new HashMap<>();
                    event.getEmbeddingEndOffsets().forEach((partition, offset) -> ends.put(Integer.parseInt(partition.toString()), offset));
                    indexer.cutOver(new ModalityIndexer.CutOver(event.getVersion(), ends));
                }
            }
        }
        for (ConsumerRecord<byte[], byte[]> record : embeddings.poll(POLL)) {
            if (record.value() == null) {
                continue;
            }
            Embedding embedding = embeddingValues.deserialize(record.topic(), record.value());
            float[] vector = new float[embedding.getVector().size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = embedding.getVector().get(i);
            }
            indexers.get(modalityOfTopic.get(record.topic())).add(new ModalityIndexer.IndexedEmbedding(
                    embedding.getId().toString(), embedding.getModelVersion(), vector, embedding.getSourcePartition(),
                    embedding.getSourceOffset(), record.partition(), record.offset()));
            indexed++;
        }
    }

    private void commit() throws IOException {
        for (Map.Entry<Modality, ModalityIndexer> entry : indexers.entrySet()) {
            String topic = topics.embeddings(entry.getKey());
            Map<Integer, Long> positions = new HashMap<>();
            for (TopicPartition partition : embeddings.assignment()) {
                if (partition.topic().equals(topic)) {
                    positions.put(partition.partition(), embeddings.position(partition));
                }
            }
            entry.getValue().commit(positions);
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: start the pipeline first (it creates its topics)");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        for (ModalityIndexer indexer : indexers.values()) {
            try {
                indexer.close();
            } catch (IOException e) {
                log.warn("event=index_close_failed error=\"{}\"", e.toString());
            }
        }
        embeddings.close();
        backfill.close();
        embeddingValues.close();
        backfillValues.close();
    }
}
