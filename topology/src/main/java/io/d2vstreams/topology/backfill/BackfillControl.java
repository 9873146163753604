package io.d2vstreams.topology.backfill;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.BackfillKeys;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operator's side of {@code d2v.backfill}, for {@code d2v models backfill} and status views:
 * reads the log to its end, summarises a modality's backfill, and asks the pipelines for one.
 */
public final class BackfillControl implements AutoCloseable {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientProperties;
    private final SchemaRegistryClient registry;
    private final Topics topics;
    private final Duration timeout;

    public BackfillControl(Map<String, Object> clientProperties, SchemaRegistryClient registry, Topics topics) {
        this(clientProperties, registry, topics, DEFAULT_TIMEOUT);
    }

    /** @param timeout how long one read of the log, or of a topic's partitions, may take (a status view wants less) */
    public BackfillControl(Map<String, Object> clientProperties, SchemaRegistryClient registry, Topics topics,
                           Duration timeout) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.registry = registry;
        this.topics = topics;
        this.timeout = timeout;
    }

    /**
     * One input partition of a backfill: where it starts (0, or a request's bound), where it is, where it
     * ends; {@code end} empty while no swap point is known.
     */
    public record PartitionProgress(int partition, long start, long position, Optional<Long> end) {
        /** A partition backfilled from its log start. */
        public PartitionProgress(int partition, long position, Optional<Long> end) {
            this(partition, 0L, position, end);
        }

        public boolean done() {
            return end.isPresent() && position >= end.get();
        }

        /** Offsets still to read, from the position (or the start, if higher) to the end. */
        public long remaining() {
            return end.map(e -> Math.max(0, e - Math.max(position, start))).orElse(0L);
        }

        public long total() {
            return end.map(e -> Math.max(0, e - start)).orElse(0L);
        }
    }

    /**
     * @param state DONE (a cut-over for the current swap points exists), RUNNING, WAITING (not every partition has
     *              swapped to the version yet) or NONE (no swap point at all yet)
     */
    public record Status(Modality modality, OptionalInt version, String state, List<PartitionProgress> partitions,
                         Optional<BackfillEvent> cutOver) {
        public long remaining() {
            return partitions.stream().mapToLong(PartitionProgress::remaining).sum();
        }

        public long total() {
            return partitions.stream().mapToLong(PartitionProgress::total).sum();
        }
    }

    /** Reads {@code d2v.backfill} from the beginning to its current end (read_committed). */
    public BackfillLog read() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        BackfillLog log = new BackfillLog();
        try (KafkaConsumer<String, BackfillEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new SpecificAvroDeserializer<>(registry, BackfillEvent.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.backfill(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topics.backfill() + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, BackfillEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    log.apply(record.value());
                }
            }
        }
        return log;
    }

    public Status status(BackfillLog log, Modality modality) {
        OptionalInt version = log.target(modality);
        int count = inputPartitions(modality);
        if (version.isEmpty()) {
            return new Status(modality, version, "NONE", List.of(), Optional.empty());
        }
        int v = version.getAsInt();
        List<PartitionProgress> partitions = new ArrayList<>();
        boolean allPlanned = true;
        for (int p = 0; p < count; p++) {
            Optional<PartitionPlan> plan = log.plan(modality, p, v);
            long position = log.progress(modality, v, p).map(BackfillEvent::getPosition).orElse(0L);
            allPlanned &= plan.isPresent();
            partitions.add(new PartitionProgress(p, plan.map(PartitionPlan::start).orElse(0L), position,
                    plan.map(PartitionPlan::end)));
        }
        Optional<BackfillEvent> cutOver = log.currentCutOver(modality, v, count);
        String state = cutOver.isPresent() ? "DONE" : allPlanned ? "RUNNING" : "WAITING";
        return new Status(modality, version, state, partitions, cutOver);
    }

    /**
     * Asks the pipelines to backfill {@code version} of {@code modality} (they act on it when it is the
     * version they serve; with {@code backfill.auto=false} it is how a backfill starts).
     */
    public BackfillEvent request(Modality modality, int version) {
        return request(modality, version, Map.of());
    }

    /**
     * Requests the backfill of {@code version}, re-embedding each partition of {@code fromOffsets} only from
     * there on; returns the request written, for a log read before it to {@linkplain BackfillLog#apply apply}.
     */
    public BackfillEvent request(Modality modality, int version, Map<Integer, Long> fromOffsets) {
        BackfillEvent request = BackfillEvents.request(modality, version, fromOffsets, System.currentTimeMillis());
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<BackfillEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            producer.send(new ProducerRecord<>(topics.backfill(), BackfillKeys.keyOf(request),
                    serializer.serialize(topics.backfill(), request))).get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while requesting a backfill", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write the backfill request to " + topics.backfill() + ": " + e.getMessage(), e);
        }
        return request;
    }

    private int inputPartitions(Modality modality) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            return consumer.partitionsFor(topics.events(modality), timeout).size();
        }
    }

    @Override
    public void close() {
        // Clients are opened per call; the registry belongs to the caller.
    }
}
