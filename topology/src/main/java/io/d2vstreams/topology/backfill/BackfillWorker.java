package io.d2vstreams.topology.backfill;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.runtime.Embeddings;
import io.d2vstreams.runtime.InputRejectedException;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.topology.internal.BatchEncoder;
import io.d2vstreams.topology.internal.BufferedRecord;
import io.d2vstreams.topology.internal.EmbeddingRecordFactory;
import io.d2vstreams.topology.internal.RecordAdmission;
import io.d2vstreams.topology.internal.SourceRecord;
import io.d2vstreams.schemas.BackfillKeys;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Re-embeds one modality's retained input with exactly one model version, beside the live
 * stream: a transactional consume-embed-produce loop over the input topic. Each transaction
 * writes the batch's embeddings, the progress of the partitions it read, and the consumer
 * group's offsets ({@code sendOffsetsToTransaction} with the group's metadata, so a zombie
 * instance is fenced); its input is read {@code read_committed}. The consumer group is one per
 * application, modality and version, so several pipeline instances share the partitions and a
 * restarted one resumes where the last committed transaction ended: no record is embedded twice
 * nor skipped, also after {@code kill -9}.
 *
 * <p>On each partition it waits for the version's swap point ({@link BackfillLog#plan}), then
 * embeds every offset below it that the live pipeline did not already embed with this version,
 * skipping records the live pipeline dead-lettered ({@link RecordAdmission}) or that the encoder
 * refuses, counted as {@code skipped}. Stopping it aborts its open transaction.
 */
public final class BackfillWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackfillWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Marks a backfilled embedding, with the version as its value; live embeddings have no such header. */
    public static final String HEADER = "d2v.backfill";

    /** What a worker needs besides its version and encoder. */
    public record Settings(String groupId, Map<String, Object> clientProperties, String inputTopic,
                           String embeddingTopic, String backfillTopic, int batchSize, ShareThrottle throttle,
                           Duration transactionTimeout) {
    }

    private final Settings settings;
    private final Modality modality;
    private final int version;
    private final BackfillLog backfillLog;
    private final RecordAdmission admission;
    private final BatchEncoder encoder;
    private final EmbeddingRecordFactory embeddings;
    private final Serializer<Embedding> embeddingSerializer;
    private final Serializer<BackfillEvent> eventSerializer;
    private final BackfillMetrics metrics;
    private final AutoCloseable encoderOwner;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<Integer, Long> records = new HashMap<>();
    private final Map<Integer, Long> skipped = new HashMap<>();
    private final Map<Integer, Long> recordsBefore = new HashMap<>();
    private final Map<Integer, Long> skippedBefore = new HashMap<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private KafkaConsumer<String, byte[]> consumer;

    public BackfillWorker(Settings settings, Modality modality, int version, BackfillLog backfillLog,
                          RecordAdmission admission, BatchEncoder encoder, Serializer<Embedding> embeddingSerializer,
                          Serializer<BackfillEvent> eventSerializer, BackfillMetrics metrics, AutoCloseable encoderOwner) {
        this.settings = settings;
        this.modality = modality;
        this.version = version;
        this.backfillLog = backfillLog;
        this.admission = admission;
        this.encoder = encoder;
        this.embeddings = new EmbeddingRecordFactory(modality);
        this.embeddingSerializer = embeddingSerializer;
        this.eventSerializer = eventSerializer;
        this.metrics = metrics;
        this.encoderOwner = encoderOwner;
        this.thread = new Thread(this::run, "d2v-backfill-" + modality.folderName() + "-v" + version);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public int version() {
        return version;
    }

    /** Whether the loop ended on its own (it failed: {@link #failure()} says why). */
    public boolean ended() {
        return stopped.getCount() == 0;
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    private void run() {
        Map<String, Object> consumerProps = new HashMap<>(settings.clientProperties());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
        Map<String, Object> producerProps = new HashMap<>(settings.clientProperties());
        // A fresh id per worker: a killed instance's open transaction is aborted by its timeout (kept short
        // here), and its zombie is fenced by the consumer group generation in sendOffsetsToTransaction.
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.groupId() + "-" + UUID.randomUUID());
        producerProps.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps,
                new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     new ByteArraySerializer())) {
            this.consumer = consumer;
            producer.initTransactions();
            consumer.subscribe(List.of(settings.inputTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(committed::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    log.info("event=backfill_assigned modality={} version={} partitions={}", modality, version, partitions);
                }
            });
            log.info("event=backfill_started modality={} version={} group={}", modality, version, settings.groupId());
            while (running) {
                step(consumer, producer);
            }
        } catch (WakeupException | InterruptException e) {
            if (running) {
                failure = e;
                log.error("event=backfill_failed modality={} version={} error=\"{}\"", modality, version, e.toString(), e);
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("event=backfill_failed modality={} version={} error=\"{}\"", modality, version, e.toString(), e);
        } finally {
            closeEncoder();
            stopped.countDown();
            log.info("event=backfill_stopped modality={} version={}", modality, version);
        }
    }

    /** One poll, one transaction (when there is anything to write), one pause. */
    private void step(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer) {
        Map<TopicPartition, PartitionPlan> plans = new HashMap<>();
        Set<TopicPartition> idle = new HashSet<>();
        for (TopicPartition tp : consumer.assignment()) {
            Optional<PartitionPlan> plan = backfillLog.plan(modality, tp.partition(), version);
            if (plan.isPresent() && consumer.position(tp) < plan.get().start()) {
                consumer.seek(tp, plan.get().start()); // an operator's bound: nothing below it is re-embedded
            }
            if (plan.isPresent() && !plan.get().doneAt(consumer.position(tp))) {
                plans.put(tp, plan.get());
            } else {
                // No swap point of this version yet, or done: nothing to fetch there for now.
                idle.add(tp);
            }
        }
        consumer.pause(idle);
        consumer.resume(plans.keySet());
        ConsumerRecords<String, byte[]> polled = consumer.poll(POLL);
        // A rebalance inside the poll may have moved partitions: work on what is still ours and planned.
        plans.keySet().retainAll(consumer.assignment());
        List<SourceRecord> toEmbed = new ArrayList<>();
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<String, byte[]>> fetched = polled.records(tp);
            PartitionPlan plan = plans.get(tp);
            if (plan == null) {
                // Assigned during this poll, before it had a plan: read these again once it has one.
                if (consumer.assignment().contains(tp)) {
                    consumer.seek(tp, fetched.get(0).offset());
                }
                continue;
            }
            for (ConsumerRecord<String, byte[]> record : fetched) {
                if (plan.needsEmbedding(record.offset())) {
                    toEmbed.add(sourceOf(record));
                }
            }
        }
        // Positions, held back to the swap point: offsets from it on are the live pipeline's.
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionPlan> entry : plans.entrySet()) {
            TopicPartition tp = entry.getKey();
            long position = consumer.position(tp);
            if (position > entry.getValue().end()) {
                consumer.seek(tp, entry.getValue().end());
                position = entry.getValue().end();
            }
            if (!Long.valueOf(position).equals(committed.get(tp))) {
                positions.put(tp, position);
            }
        }
        if (positions.isEmpty()) {
            return;
        }
        long encodeStarted = System.nanoTime();
        List<ProducerRecord<String, byte[]>> out = embed(toEmbed);
        Duration encoding = Duration.ofNanos(System.nanoTime() - encodeStarted);
        producer.beginTransaction();
        try {
            out.forEach(producer::send);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            long now = System.currentTimeMillis();
            for (Map.Entry<TopicPartition, Long> position : positions.entrySet()) {
                int partition = position.getKey().partition();
                offsets.put(position.getKey(), new OffsetAndMetadata(position.getValue()));
                BackfillEvent progress = BackfillEvents.progress(modality, version, partition, position.getValue(),
                        plans.get(position.getKey()).end(), total(records, recordsBefore, BackfillEvent::getRecords, partition),
                        total(skipped, skippedBefore, BackfillEvent::getSkipped, partition), now);
                producer.send(new ProducerRecord<>(settings.backfillTopic(), BackfillKeys.keyOf(progress),
                        eventSerializer.serialize(settings.backfillTopic(), progress)));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            committed.putAll(positions);
            metrics.backfilled(modality, out.size());
        } catch (RuntimeException e) {
            // Not committed: the next owner of these partitions starts again from the last committed offsets.
            abortQuietly(producer);
            throw e;
        }
        lag(plans);
        Duration pause = settings.throttle().pauseAfter(encoding);
        if (!pause.isZero() && running) {
            sleep(pause);
        }
    }

    private void lag(Map<TopicPartition, PartitionPlan> plans) {
        long lag = 0;
        for (Map.Entry<TopicPartition, PartitionPlan> entry : plans.entrySet()) {
            lag += Math.max(0, entry.getValue().end() - committed.getOrDefault(entry.getKey(), 0L));
        }
        metrics.lag(modality, lag);
    }

    /**
     * Embeds the records the live pipeline admitted, in one batch; a record the encoder refuses is
     * skipped and the rest encoded again, as the live path does. Counts what it wrote and skipped
     * per partition.
     */
    private List<ProducerRecord<String, byte[]>> embed(List<SourceRecord> sources) {
        long now = System.currentTimeMillis();
        List<BufferedRecord> pending = new ArrayList<>();
        for (SourceRecord source : sources) {
            RecordAdmission.Admitted admitted = admission.admit(source, now);
            if (admitted.accepted()) {
                pending.add(admitted.record());
            } else {
                skip(source);
            }
        }
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            Embeddings result;
            try {
                result = encoder.encode(pending.stream().map(r -> r.event().payload()).toList());
            } catch (InputRejectedException refused) {
                int index = refused.inputIndex();
                if (index < 0 || index >= pending.size()) {
                    throw new IllegalStateException("encoder refused input " + index + " of a batch of " + pending.size(), refused);
                }
                skip(pending.get(index).source());
                pending = without(pending, index);
                continue;
            }
            if (result.model().version() != version) {
                throw new IllegalStateException("backfill of " + modality + " v" + version + " got vectors of v"
                        + result.model().version());
            }
            float[][] vectors = result.vectors();
            for (int i = 0; i < vectors.length; i++) {
                BufferedRecord record = pending.get(i);
                Embedding embedding = embeddings.create(record, result.model(), vectors[i], now);
                ProducerRecord<String, byte[]> produced = new ProducerRecord<>(settings.embeddingTopic(), null,
                        record.source().timestamp(), record.event().id(),
                        embeddingSerializer.serialize(settings.embeddingTopic(), embedding));
                produced.headers().add(new RecordHeader(HEADER, Integer.toString(version).getBytes(StandardCharsets.UTF_8)));
                out.add(produced);
                records.merge(record.source().partition(), 1L, Long::sum);
            }
            break;
        }
        return out;
    }

    private void skip(SourceRecord source) {
        skipped.merge(source.partition(), 1L, Long::sum);
        metrics.skipped(modality);
    }

    /**
     * Counts continue from the partition's last progress record as this worker first found it, so a
     * resumed backfill reports totals.
     */
    private long total(Map<Integer, Long> counts, Map<Integer, Long> before, Function<BackfillEvent, Long> field,
                       int partition) {
        long base = before.computeIfAbsent(partition, p -> backfillLog.progress(modality, version, p).map(field).orElse(0L));
        return base + counts.getOrDefault(partition, 0L);
    }

    private static List<BufferedRecord> without(List<BufferedRecord> records, int index) {
        List<BufferedRecord> rest = new ArrayList<>(records);
        rest.remove(index);
        return rest;
    }

    private static SourceRecord sourceOf(ConsumerRecord<String, byte[]> record) {
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        return new SourceRecord(key, record.value(), List.copyOf(Arrays.asList(record.headers().toArray())),
                record.topic(), record.partition(), record.offset(), record.timestamp());
    }

    /** The throttle's pause; ends early when the worker is stopped. */
    private void sleep(Duration pause) {
        try {
            stopRequested.await(pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void closeEncoder() {
        try {
            encoderOwner.close();
        } catch (Exception e) {
            log.warn("event=close_failed resource=backfill_encoder modality={} version={} error=\"{}\"", modality, version, e.toString());
        }
    }

    private static void abortQuietly(KafkaProducer<String, byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            log.warn("event=backfill_abort_failed error=\"{}\"", e.toString());
        }
    }

    /**
     * Stops the loop between transactions (the consumer's wakeup ends a poll; a transaction being
     * written is finished or aborted, never left open), and waits for it.
     */
    @Override
    public void close() {
        running = false;
        stopRequested.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("event=backfill_stop_timeout modality={} version={}", modality, version);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
