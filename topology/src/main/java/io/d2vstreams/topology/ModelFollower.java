package io.d2vstreams.topology;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.ModelVersionKeys;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.ServingVersions;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.WireModality;
import io.d2vstreams.topology.internal.ServedModel;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Follows {@code d2v.models} and keeps each served modality on its ACTIVE version: a newly
 * ACTIVE version is loaded from the model store, checked against the announced digest,
 * probed, and swapped in between batches while the streams keep running. A version that
 * fails any of that is announced REJECTED with the reason, and the current one keeps serving.
 * An announcement without a digest is one of those failures: the digest is what binds the
 * record on the topic to the files in the store, so a version announced without one is never
 * loaded, neither by a running pipeline nor by one starting (which starts on the ACTIVE version
 * before it instead).
 *
 * <p>It reads the topic without a consumer group (assign + seek to the beginning) because
 * every pipeline instance needs the whole log, not a share of it.
 */
public final class ModelFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final ModelStore store;
    private final KafkaConsumer<String, ModelVersion> consumer;
    private final ModelAnnouncer announcer;
    private final ServingVersions versions = new ServingVersions();
    private final List<ServedModel<?>> served = new CopyOnWriteArrayList<>();
    private final Set<String> refused = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

    public ModelFollower(PipelineConfig config, SchemaRegistryClient registry, ModelStore store) {
        this.topic = config.topics().models();
        this.store = store;
        Map<String, Object> props = new HashMap<>(config.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new SpecificAvroDeserializer<>(registry, ModelVersion.class));
        this.announcer = new ModelAnnouncer(config.clientProperties(), registry, topic);
        this.thread = new Thread(this::run, "d2v-model-follower");
        this.thread.setDaemon(true);
    }

    /** Reads the log to its current end; returns the ACTIVE version per modality. */
    public Map<Modality, ModelVersion> catchUp() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            consumer.poll(POLL).forEach(record -> versions.apply(record.key(), record.value()));
        }
        Map<Modality, ModelVersion> active = new HashMap<>();
        for (Modality modality : Modality.values()) {
            versions.active(avro(modality)).ifPresent(v -> active.put(modality, v));
        }
        return active;
    }

    /**
     * The version a modality should start on: the log's ACTIVE one when the store has it and its
     * announcement carries the store's digest; else (each refused version announced REJECTED, as a
     * running pipeline would) the ACTIVE one before it; else, when none is announced or the store
     * lacks the announced one, the newest in the store that was not refused; else {@code empty}.
     * Call after {@link #catchUp()}.
     */
    public Optional<ModelManifest> startingVersion(Modality modality) {
        for (ModelVersion announced : versions.activeNewestFirst(avro(modality))) {
            Optional<ModelManifest> manifest = store.version(modality, announced.getVersion());
            if (manifest.isEmpty()) {
                log.warn("event=model_missing modality={} version={} store={} action=use_latest_in_store",
                        modality, announced.getVersion(), store.root());
                break;
            }
            Optional<String> problem = digestProblem(announced, manifest.get());
            if (problem.isEmpty()) {
                return manifest;
            }
            refuse(modality, announced, problem.get(), "look_for_an_earlier_version");
        }
        List<ModelManifest> inStore = store.versions(modality);
        for (int i = inStore.size() - 1; i >= 0; i--) {
            if (!refused.contains(ModelVersionKeys.key(avro(modality), inStore.get(i).version()))) {
                return Optional.of(inStore.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Why an ACTIVE announcement must not be loaded from {@code manifest}: it has no digest, or
     * another than the store's version. Empty when the two agree.
     */
    static Optional<String> digestProblem(ModelVersion announced, ModelManifest manifest) {
        String digest = announced.getSha256();
        if (digest == null || digest.isBlank()) {
            return Optional.of("announced ACTIVE without a digest (sha256 is empty); expected the SHA-256 of the "
                    + "version's sorted file checksums, as d2v models promote announces it");
        }
        if (!digest.equalsIgnoreCase(manifest.digest())) {
            return Optional.of("announced digest " + digest + " does not match the store's " + manifest.digest());
        }
        return Optional.empty();
    }

    /** Starts following the log for the given slots (call after {@link #catchUp()}). */
    public void follow(List<ServedModel<?>> slots) {
        served.addAll(slots);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                boolean changed = false;
                for (ConsumerRecord<String, ModelVersion> record : consumer.poll(POLL)) {
                    versions.apply(record.key(), record.value());
                    // Any new word on a version (re-promoted after a fix, or our own REJECTED) ends its refusal.
                    refused.remove(record.key());
                    changed = true;
                }
                if (changed) {
                    served.forEach(this::reconcile);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("event=model_follower_failed error=\"{}\"", e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    /** Brings one slot onto the log's ACTIVE version, or refuses that version with a reason. */
    void reconcile(ServedModel<?> slot) {
        Optional<ModelVersion> active = versions.active(avro(slot.modality()));
        if (active.isEmpty() || active.get().getVersion() == slot.currentVersion()) {
            return;
        }
        ModelVersion target = active.get();
        String key = ModelVersionKeys.keyOf(target);
        if (refused.contains(key)) {
            return;
        }
        try {
            ModelManifest manifest = store.version(slot.modality(), target.getVersion()).orElseThrow(() ->
                    new IllegalStateException("version " + target.getVersion() + " is not in the model store at " + store.root()));
            Optional<String> problem = digestProblem(target, manifest);
            if (problem.isPresent()) {
                throw new IllegalStateException(problem.get());
            }
            slot.swapTo(manifest);
        } catch (RuntimeException e) {
            refuse(slot.modality(), target, e.getMessage(), "keep_serving_version_" + slot.currentVersion());
        }
    }

    /** Logs the refusal and announces the version REJECTED with the reason; it is not tried again until re-announced. */
    private void refuse(Modality modality, ModelVersion target, String reason, String action) {
        refused.add(ModelVersionKeys.keyOf(target));
        log.warn("event=model_rejected modality={} version={} reason=\"{}\" action={}",
                modality, target.getVersion(), reason, action);
        announcer.announce(ModelVersion.newBuilder(target).setStatus(ModelStatus.REJECTED)
                .setReason("pipeline could not load it: " + reason)
                .setCreatedAtMs(System.currentTimeMillis()).build());
    }

    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close();
        }
        announcer.close();
    }


    private static io.d2vstreams.avro.Modality avro(Modality modality) {
        return WireModality.of(modality);
    }
}
