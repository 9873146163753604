package io.d2vstreams.topology.backfill;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.BackfillKeys;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The pipeline process's backfill side. Follows {@code d2v.backfill} (the whole log, no consumer
 * group: every instance needs every swap point) into a {@link BackfillLog} and keeps, per
 * modality, one {@link BackfillWorker} running for the version the live pipeline moved to last,
 * until that version's backfill is done everywhere; a newer swap (a refresh or a rollback) stops
 * the worker of the older version and starts the newer one's. When every input partition has been
 * backfilled up to its swap point it publishes the cut-over marker, with the embedding topic's end
 * offsets read after the backfill's last transaction committed.
 *
 * <p>Several instances run one each: their workers of a version share the partitions through
 * their consumer group, and each may publish the same cut-over (the same key, so compaction keeps one).
 */
public final class BackfillCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackfillCoordinator.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RESTART_BACKOFF = Duration.ofSeconds(5);

    /** Opens the worker of one modality and version (its encoder loaded from the model store). */
    @FunctionalInterface
    public interface Workers {
        BackfillWorker open(Modality modality, int version, BackfillLog backfillLog);
    }

    /**
     * @param auto when false, a backfill starts only on a REQUEST record (d2v models backfill)
     */
    public record Settings(Map<String, Object> clientProperties, String backfillTopic,
                           Function<Modality, String> inputTopic, Function<Modality, String> embeddingTopic,
                           boolean auto) {
    }

    private final Settings settings;
    private final Workers workers;
    private final Serializer<BackfillEvent> serializer;
    private final BackfillLog backfillLog = new BackfillLog();
    private final KafkaConsumer<String, BackfillEvent> consumer;
    private final Map<Modality, BackfillWorker> running = new EnumMap<>(Modality.class);
    private final Map<Modality, Long> failedAtMs = new EnumMap<>(Modality.class);
    private final Map<Modality, Integer> partitions = new EnumMap<>(Modality.class);
    private final Thread thread;
    private volatile boolean open = true;

    public BackfillCoordinator(Settings settings, Workers workers, Deserializer<BackfillEvent> deserializer,
                               Serializer<BackfillEvent> serializer) {
        this.settings = settings;
        this.workers = workers;
        this.serializer = serializer;
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), deserializer);
        this.thread = new Thread(this::run, "d2v-backfill-coordinator");
        this.thread.setDaemon(true);
    }

    public void start() {
        List<TopicPartition> all = consumer.partitionsFor(settings.backfillTopic(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(all);
        consumer.seekToBeginning(all);
        thread.start();
    }

    /** What the log says so far; for status and tests. */
    public BackfillLog backfillLog() {
        return backfillLog;
    }

    /** The version whose backfill runs in this process for {@code modality}, if one does. */
    public synchronized OptionalInt runningVersion(Modality modality) {
        BackfillWorker worker = running.get(modality);
        return worker == null ? OptionalInt.empty() : OptionalInt.of(worker.version());
    }

    private void run() {
        try (KafkaProducer<String, byte[]> producer = markerProducer(); Admin admin = Admin.create(settings.clientProperties())) {
            while (open) {
                for (ConsumerRecord<String, BackfillEvent> record : consumer.poll(POLL)) {
                    backfillLog.apply(record.value());
                }
                for (Modality modality : Modality.values()) {
                    reconcile(modality, producer, admin);
                }
            }
        } catch (WakeupException e) {
            if (open) {
                log.error("event=backfill_coordinator_failed error=\"{}\"", e.toString(), e);
            }
        } catch (RuntimeException e) {
            log.error("event=backfill_coordinator_failed error=\"{}\"", e.toString(), e);
        } finally {
            stopAll();
            consumer.close();
        }
    }

    private synchronized void reconcile(Modality modality, KafkaProducer<String, byte[]> producer, Admin admin) {
        OptionalInt target = backfillLog.target(modality);
        BackfillWorker worker = running.get(modality);
        if (worker != null && (target.isEmpty() || worker.version() != target.getAsInt() || worker.ended())) {
            if (worker.failure().isPresent()) {
                failedAtMs.put(modality, System.currentTimeMillis());
            } else if (target.isPresent() && worker.version() != target.getAsInt()) {
                log.info("event=backfill_superseded modality={} version={} by_version={}", modality, worker.version(),
                        target.getAsInt());
            }
            stop(modality);
            worker = null;
        }
        if (target.isEmpty()) {
            return;
        }
        int version = target.getAsInt();
        int count = partitions.computeIfAbsent(modality, m ->
                consumer.partitionsFor(settings.inputTopic().apply(m), Duration.ofSeconds(30)).size());
        if (backfillLog.currentCutOver(modality, version, count).isPresent()) {
            if (worker != null) {
                stop(modality);
            }
            return;
        }
        if (backfillLog.done(modality, version, count)) {
            publishCutOver(modality, version, count, producer, admin);
            return;
        }
        boolean wanted = settings.auto() || backfillLog.request(modality, version).isPresent();
        long failed = failedAtMs.getOrDefault(modality, 0L);
        if (worker == null && wanted && System.currentTimeMillis() - failed >= RESTART_BACKOFF.toMillis()) {
            BackfillWorker started;
            try {
                started = workers.open(modality, version, backfillLog);
            } catch (RuntimeException e) {
                // A version that cannot load here (not in this instance's store yet): try again later.
                failedAtMs.put(modality, System.currentTimeMillis());
                log.warn("event=backfill_not_started modality={} version={} error=\"{}\" action=retry_in_{}s", modality,
                        version, e.getMessage(), RESTART_BACKOFF.toSeconds());
                return;
            }
            running.put(modality, started);
            started.start();
        }
    }

    /**
     * The marker: every input partition's swap point, and the embedding topic's end offsets now. Those
     * are high watermarks (read_uncommitted) read after every partition's last progress record was seen
     * committed, so they lie past every backfilled embedding; a read_committed consumer reaches them as
     * soon as the transactions open below them settle.
     */
    private void publishCutOver(Modality modality, int version, int count, KafkaProducer<String, byte[]> producer,
                                Admin admin) {
        Map<Integer, PartitionPlan> plans = backfillLog.plans(modality, version, count).orElseThrow();
        Map<Integer, Long> inputStarts = new TreeMap<>();
        Map<Integer, Long> inputEnds = new TreeMap<>();
        long records = 0;
        long skipped = 0;
        for (PartitionPlan plan : plans.values()) {
            if (plan.start() > 0) {
                inputStarts.put(plan.partition(), plan.start());
            }
            inputEnds.put(plan.partition(), plan.end());
            Optional<BackfillEvent> progress = backfillLog.progress(modality, version, plan.partition());
            records += progress.map(BackfillEvent::getRecords).orElse(0L);
            skipped += progress.map(BackfillEvent::getSkipped).orElse(0L);
        }
        String embeddingTopic = settings.embeddingTopic().apply(modality);
        Map<Integer, Long> embeddingEnds = endOffsets(admin, embeddingTopic);
        BackfillEvent cutOver = BackfillEvents.cutOver(modality, version, inputStarts, inputEnds, embeddingTopic, embeddingEnds,
                records, skipped, System.currentTimeMillis());
        try {
            producer.send(new ProducerRecord<>(settings.backfillTopic(), BackfillKeys.keyOf(cutOver),
                    serializer.serialize(settings.backfillTopic(), cutOver))).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the cut-over of " + modality + " v" + version, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish the cut-over of " + modality + " v" + version + " to "
                    + settings.backfillTopic() + ": " + e.getMessage(), e);
        }
        // Apply it here at once, so the next round does not publish it again before reading it back.
        backfillLog.apply(cutOver);
        log.info("event=backfill_cut_over modality={} version={} from_offsets={} input_end_offsets={} "
                + "embedding_end_offsets={} records={} skipped={}", modality, version, inputStarts, inputEnds, embeddingEnds,
                records, skipped);
        if (running.containsKey(modality)) {
            stop(modality);
        }
    }

    private static Map<Integer, Long> endOffsets(Admin admin, String topic) {
        try {
            int count = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < count; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new TreeMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> entry
                    : admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet()) {
                ends.put(entry.getKey().partition(), entry.getValue().offset());
            }
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the end offsets of " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getMessage(), e);
        }
    }

    private KafkaProducer<String, byte[]> markerProducer() {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private void stop(Modality modality) {
        BackfillWorker worker = running.remove(modality);
        if (worker != null) {
            worker.close();
        }
    }

    private synchronized void stopAll() {
        for (Modality modality : Modality.values()) {
            stop(modality);
        }
    }

    @Override
    public void close() {
        open = false;
        if (thread.isAlive()) {
            consumer.wakeup();
            try {
                thread.join(40_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close();
        }
    }
}
