package io.d2vstreams.trainer.loop;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.trainer.CheckpointInfo;
import io.d2vstreams.trainer.ComputeTurns;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.ModelAnnouncements;
import io.d2vstreams.trainer.ModelVersionLog;
import io.d2vstreams.trainer.StepResult;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import io.d2vstreams.trainer.TrainingModality;
import io.d2vstreams.trainer.export.CandidateExporter;
import io.d2vstreams.trainer.export.CandidateRelease;
import io.d2vstreams.trainer.gate.HeldOutLossCheck;
import io.d2vstreams.trainer.gate.QualityGate;
import io.d2vstreams.trainer.internal.HeldOutSet;
import io.d2vstreams.trainer.internal.ReplayBuffer;
import io.d2vstreams.trainer.internal.SampleIntake;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One modality's training, the body of one of {@link TrainerWorker}'s threads: opens the clients,
 * picks the starting version of its modality, restores the newest checkpoint, then polls, steps,
 * checkpoints and exports until stopped. Every client and the trainer are opened and closed here,
 * on this one thread. Each loop reads the whole samples topic in its own consumer group
 * ({@code <application.id>-<modality>}) and keeps its own modality's samples, so the loops of one
 * worker share nothing but the model store and {@code d2v.models}, whose records are per modality.
 *
 * @param <I> the modality's input
 */
public final class TrainingLoop<I> {

    /** Keys of the checkpoint's {@code extra} map. */
    static final String OFFSET_KEY_PREFIX = "offset.";
    static final String HELD_OUT_KEY = "heldout";
    static final String LINEAGE_KEY = "lineage.version";
    static final String EXPORT_STEP_KEY = "export.step";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);
    /** Pause between reads while the registry is unreachable (its client already retried with backoff). */
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);

    private final TrainingModality<I> modality;
    private final Modality kind;
    private final TrainerWorkerConfig config;
    private final CandidateExporter exporter;
    private final ComputeTurns turns;
    private final List<TrainerWorker.Decision> decisions = new CopyOnWriteArrayList<>();
    private final String samplesTopic;
    private final String groupId;
    private final ModalityCheckpoints checkpoints;
    private final ReplayBuffer<I> buffer;
    private final HeldOutSet<I> heldOut;
    private final QualityGate gate;
    private final Map<Integer, Long> resumeAt = new HashMap<>();
    private final Map<Integer, Long> nextOffset = new HashMap<>();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    // Progress, written by the loop thread, read by anyone.
    private volatile int baseVersion;
    private volatile long completedSteps;
    private volatile long samplesRead;
    private volatile long samplesTrained;
    private volatile long samplesUnusable;
    private volatile long samplesSetAside;
    private volatile int heldOutCount;
    private volatile double lastLoss = Double.NaN;
    private volatile int replayCount;
    private volatile int freshCount;
    private volatile double heldOutLoss = Double.NaN;
    private volatile long heldOutLossStep = -1;

    // Loop state.
    private long lastCheckpointStep;
    private long lastExportStep;
    private long lastExportNanos = System.nanoTime();
    private int lineage;
    private boolean exportPostponedLogged;
    private final Interval interval = new Interval();

    public TrainingLoop(TrainingModality<I> modality, TrainerWorkerConfig config, CandidateExporter exporter,
            ComputeTurns turns) {
        this.modality = modality;
        this.kind = modality.modality();
        this.config = config;
        this.exporter = exporter;
        this.turns = turns;
        this.samplesTopic = config.topics().trainingSamples();
        this.groupId = config.groupId(kind);
        this.checkpoints = new ModalityCheckpoints(config, kind);
        this.buffer = new ReplayBuffer<>(config.replayCapacity(), config.replayFreshFraction());
        this.heldOut = new HeldOutSet<>(config.heldOutEvery(), config.heldOutSize(), modality.heldOutCodec());
        this.gate = new QualityGate(config.gate());
    }

    public Modality modality() {
        return kind;
    }

    public String groupId() {
        return groupId;
    }

    public TrainerWorker.Progress progress(boolean alive) {
        return new TrainerWorker.Progress(kind, alive && running, baseVersion, completedSteps, samplesRead,
                samplesTrained, heldOutCount, lastLoss, decisions, samplesSetAside + samplesUnusable, replayCount, freshCount,
                heldOutLoss, heldOutLossStep);
    }

    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // the one KafkaConsumer method that is safe from another thread
        }
    }

    public void run() {
        Map<String, Object> clientProperties = config.clientProperties();
        ModelStore store = new ModelStore(config.modelStoreDir());
        try (SchemaRegistryClient registry = new RestSchemaRegistryClient(
                        RegistryClientConfig.fromProperties(config.registryProperties()));
                SpecificAvroDeserializer<TrainingSample> samples = new SpecificAvroDeserializer<>(registry, TrainingSample.class);
                ModelVersionLog models = new ModelVersionLog(clientProperties, registry, config.topics().models());
                ModelAnnouncer announcer = new ModelAnnouncer(clientProperties, registry, config.topics().models());
                KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(consumerProperties(clientProperties),
                        new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = kafka;
            if (!running || !awaitTopics(kafka)) {
                return;
            }
            models.catchUp(CLIENT_TIMEOUT);
            ModelManifest base = startingVersion(store, models, announcer);
            baseVersion = base.version();
            try (Data2VecTrainer<I> trainer = modality.openTrainer(store, base, config.training(kind))) {
                restore(trainer, base);
                kafka.subscribe(List.of(samplesTopic), new Rebalance());
                Session session = new Session(trainer, store, samples, models, announcer);
                try {
                    session.loop();
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                }
                if (completedSteps > lastCheckpointStep) {
                    session.checkpoint(); // graceful stop: keep every step taken
                }
            }
        } finally {
            consumer = null;
            LOG.info("event=trainer_worker_stopped modality={} step={} samples_read={} samples_trained={}", kind,
                    completedSteps, samplesRead, samplesTrained);
        }
    }

    private Map<String, Object> consumerProperties(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putAll(TrainerWorkerConfig.fixedConsumerSettings(groupId));
        return props;
    }

    /**
     * Waits for both topics: the pipeline (or the operator) creates them, {@code d2v.models}
     * compacted with one partition, which a producer's auto-creation would get wrong.
     */
    private boolean awaitTopics(KafkaConsumer<String, byte[]> kafka) {
        boolean logged = false;
        while (running) {
            Map<String, ?> topics;
            try {
                topics = kafka.listTopics(CLIENT_TIMEOUT);
            } catch (WakeupException e) {
                return false; // stop() while waiting
            }
            if (topics.containsKey(samplesTopic) && topics.containsKey(config.topics().models())) {
                return true;
            }
            if (!logged) {
                LOG.info("event=trainer_waiting_for_topics modality={} topics={},{} reason=\"created by the pipeline or the"
                        + " operator\"", kind, samplesTopic, config.topics().models());
                logged = true;
            }
            try {
                Thread.sleep(TOPIC_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * The version training starts from, as the pipeline chooses what to serve: the log's ACTIVE
     * version of this modality when the store has it, else the newest in the store, else the
     * seeded default (made here as the pipeline would). When nothing is ACTIVE yet, this version
     * is announced ACTIVE, so the log names what serves and a rollback has somewhere to return to.
     */
    private ModelManifest startingVersion(ModelStore store, ModelVersionLog models, ModelAnnouncer announcer) {
        Optional<ModelVersion> active = models.active(kind);
        Optional<ModelManifest> announced = active.flatMap(a -> store.version(kind, a.getVersion()));
        if (active.isPresent() && announced.isEmpty()) {
            LOG.warn("event=model_missing modality={} version={} store={} action=use_latest_in_store", kind,
                    active.get().getVersion(), store.root());
        }
        // latestOrSeed: the pipeline sharing the store may be seeding the same empty modality right now.
        ModelManifest base = announced.orElseGet(() -> store.latestOrSeed(kind, config.modelSeed()));
        if (active.isEmpty()) {
            announcer.announce(ModelAnnouncements.of(base, ModelStatus.ACTIVE,
                    "initial version: nothing was ACTIVE when the trainer started", null, Map.of()));
        }
        LOG.info("event=trainer_base_version modality={} model={} version={} source={}", kind, base.name(),
                base.version(), announced.isPresent() ? "d2v.models" : "store");
        return base;
    }

    private void restore(Data2VecTrainer<I> trainer, ModelManifest base) {
        lineage = base.version();
        Optional<CheckpointInfo> restored = checkpoints.restoreNewest(trainer);
        if (restored.isEmpty()) {
            LOG.info("event=trainer_fresh_start modality={} base_version={} checkpoint_dir={}", kind, base.version(),
                    checkpoints.folder());
            return;
        }
        Map<String, String> extra = restored.get().extra();
        String prefix = OFFSET_KEY_PREFIX + samplesTopic + ".";
        extra.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                resumeAt.put(Integer.parseInt(key.substring(prefix.length())), Long.parseLong(value));
            }
        });
        Optional.ofNullable(extra.get(HELD_OUT_KEY)).ifPresent(heldOut::restore);
        lineage = Optional.ofNullable(extra.get(LINEAGE_KEY)).map(Integer::parseInt).orElse(base.version());
        completedSteps = trainer.completedSteps();
        lastCheckpointStep = completedSteps;
        lastExportStep = Optional.ofNullable(extra.get(EXPORT_STEP_KEY)).map(Long::parseLong).orElse(completedSteps);
        heldOutCount = heldOut.count();
        LOG.info("event=trainer_resumed modality={} step={} checkpoint={} offsets={} heldout={} lineage_version={}",
                kind, completedSteps, restored.get().directory(), new TreeMap<>(resumeAt), heldOut.count(), lineage);
    }


    /** Seeks newly assigned partitions to where training must resume; forgets revoked partitions' fresh samples. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Long offset = resumeAt.get(tp.partition());
                if (offset != null) {
                    consumer.seek(tp, offset);
                }
                LOG.info("event=partition_assigned topic={} partition={} offset={} source={} modality={} group={}",
                        tp.topic(), tp.partition(), offset == null ? "committed" : offset,
                        offset == null ? "group" : "checkpoint", kind, groupId);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Long position = nextOffset.get(tp.partition());
                if (position != null) {
                    // Should it come back, read again from the oldest sample not yet trained on.
                    resumeAt.put(tp.partition(), buffer.resumeOffset(tp.partition(), position));
                }
                buffer.dropFresh(tp.partition());
                LOG.info("event=partition_revoked topic={} partition={} resume_offset={} modality={} group={}", tp.topic(),
                        tp.partition(), resumeAt.get(tp.partition()), kind, groupId);
            }
        }
    }

    /** The loop proper, with the resources it needs. */
    private final class Session {
        private final Data2VecTrainer<I> trainer;
        private final CandidateRelease<I> release;
        private final SplittableRandom replayRandom;
        private final SampleIntake<I> intake;

        Session(Data2VecTrainer<I> trainer, ModelStore store, SpecificAvroDeserializer<TrainingSample> samples,
                ModelVersionLog models, ModelAnnouncer announcer) {
            this.trainer = trainer;
            this.release = new CandidateRelease<>(modality, exporter, gate, turns, store, models, announcer, CLIENT_TIMEOUT,
                    TrainingLoop.this::decided);
            this.replayRandom = new SplittableRandom(trainer.config().seed() ^ trainer.completedSteps());
            this.intake = new SampleIntake<>(samples::deserialize, modality::inputOf, trainer::rejectReason, buffer,
                    heldOut, nextOffset, REGISTRY_BACKOFF, System::nanoTime);
        }

        void loop() {
            KafkaConsumer<String, byte[]> kafka = consumer;
            while (running) {
                // Back-pressure (a full fresh backlog) or a registry outage: stop fetching, keep
                // polling to stay in the group.
                if (intake.shouldPause()) {
                    kafka.pause(kafka.assignment());
                } else if (!kafka.paused().isEmpty()) {
                    kafka.resume(kafka.paused());
                }
                intake.acceptAll(kafka, kafka.poll(config.pollTimeout()));
                samplesRead = intake.samplesRead();
                samplesSetAside = intake.unusable();
                heldOutCount = heldOut.count();
                bufferCounts();
                Optional<ReplayBuffer.Batch<I>> batch;
                while (running && (batch = buffer.next(trainer.config().batchSize(), replayRandom)).isPresent()) {
                    step(batch.get());
                    if (completedSteps - lastCheckpointStep >= config.checkpointIntervalSteps()) {
                        checkpoint();
                    }
                    maybeExport();
                }
                maybeExport();
            }
        }

        private void step(ReplayBuffer.Batch<I> batch) {
            long asked = System.nanoTime();
            StepResult r = turns.take(() -> {
                interval.waited(System.nanoTime() - asked);
                return trainer.step(batch.inputs());
            });
            completedSteps = trainer.completedSteps();
            samplesTrained += batch.inputs().size();
            samplesUnusable += r.skippedInputs();
            if (r.applied()) {
                lastLoss = r.loss();
            }
            interval.add(r, batch.inputs().size());
            bufferCounts();
            if (interval.steps >= config.logIntervalSteps()) {
                LOG.info("event=trainer_progress modality={} step={} loss={} lr={} samples_per_s={} ms_per_step={} "
                        + "ms_waiting_for_turn={} skipped={} unusable_inputs={} fresh_backlog={} replay={} heldout={}", kind,
                        completedSteps, fmt(interval.meanLoss()), fmt(r.lr()), fmt(interval.samplesPerSecond()),
                        fmt(interval.meanStepMs()), fmt(interval.meanWaitMs()),
                        interval.skipped, interval.unusable, buffer.freshCount(), buffer.replayCount(), heldOut.count());
                interval.reset();
            }
        }

        /** What the replay buffer holds, for {@link #progress} on other threads (the buffer is this thread's). */
        private void bufferCounts() {
            replayCount = buffer.replayCount();
            freshCount = buffer.freshCount();
        }

        /**
         * The student's held-out loss now, measured in a turn as the gate measures a candidate, so that
         * an operator sees it move between exports ({@code d2v status}); skipped while the gate could
         * not judge yet, and on the last checkpoint of a stop.
         */
        private void measureHeldOut() {
            if (!running || heldOut.count() < config.gateHeldOutMin()) {
                return;
            }
            List<I> inputs = heldOut.inputs();
            double loss = turns.take(() -> trainer.heldOutLoss(inputs));
            heldOutLoss = loss;
            heldOutLossStep = completedSteps;
            LOG.info("event=trainer_heldout_loss modality={} step={} heldout_loss={} heldout={}", kind, completedSteps,
                    fmt(loss), inputs.size());
        }

        /** Writes a checkpoint whose extra holds the resume offsets, then commits those offsets to the group. */
        void checkpoint() {
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            Map<String, String> extra = new HashMap<>();
            Map<Integer, Long> offsets = new TreeMap<>(resumeAt); // partitions not held now keep their last known offset
            for (TopicPartition tp : consumer.assignment()) {
                long offset = buffer.resumeOffset(tp.partition(), ignoringWakeup(() -> consumer.position(tp, CLIENT_TIMEOUT)));
                offsets.put(tp.partition(), offset);
                commit.put(tp, new OffsetAndMetadata(offset));
            }
            offsets.forEach((p, o) -> extra.put(OFFSET_KEY_PREFIX + samplesTopic + "." + p, Long.toString(o)));
            extra.put(HELD_OUT_KEY, heldOut.toJson());
            extra.put(LINEAGE_KEY, Integer.toString(lineage));
            extra.put(EXPORT_STEP_KEY, Long.toString(lastExportStep));
            trainer.checkpoint(checkpoints.folder(), extra);
            lastCheckpointStep = completedSteps;
            if (!commit.isEmpty()) {
                ignoringWakeup(() -> {
                    consumer.commitSync(commit, CLIENT_TIMEOUT);
                    return null;
                });
            }
            LOG.info("event=offsets_committed modality={} group={} step={} offsets={}", kind, groupId, completedSteps,
                    offsets);
            measureHeldOut();
        }

        private void maybeExport() {
            long since = completedSteps - lastExportStep;
            boolean byTime = !config.exportInterval().isZero()
                    && System.nanoTime() - lastExportNanos >= config.exportInterval().toNanos();
            if (since <= 0 || !(since >= config.exportIntervalSteps() || byTime)) {
                return;
            }
            if (heldOut.count() < config.gateHeldOutMin()) {
                if (!exportPostponedLogged) {
                    LOG.info("event=export_postponed modality={} step={} reason=\"{} of {} held-out samples needed by the"
                            + " gate\"", kind, completedSteps, heldOut.count(), config.gateHeldOutMin());
                    exportPostponedLogged = true;
                }
                return;
            }
            exportPostponedLogged = false;
            exportAndJudge();
        }

        private void exportAndJudge() {
            CandidateRelease.Released released = release.release(trainer, completedSteps, lineage, heldOut.inputs());
            lineage = released.decision().version(); // training goes on from these weights, whatever the gate says
            lastExportStep = completedSteps;
            lastExportNanos = released.exportedAtNanos();
        }
    }

    /** Keeps a verdict, and the held-out loss the gate measured the student's export at. */
    private void decided(TrainerWorker.Decision decision) {
        decisions.add(decision);
        Double candidateLoss = decision.metrics().get(HeldOutLossCheck.CANDIDATE_METRIC);
        if (candidateLoss != null) {
            // The gate just measured the student (the candidate is its export) on the held-out set.
            heldOutLoss = candidateLoss;
            heldOutLossStep = decision.step();
        }
    }

    /**
     * Runs a consumer call that must complete: a wakeup from {@link #stop()} is pending until the
     * next blocking call, whichever it is, and fires only once, so one retry suffices. The stop
     * itself is seen by the loop's {@code running} check.
     */
    private static <T> T ignoringWakeup(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (WakeupException e) {
            return call.get();
        }
    }

    /** Running figures between two progress lines. */
    private static final class Interval {
        long steps;
        long skipped;
        long unusable;
        long samples;
        double lossSum;
        long lossCount;
        double stepMs;
        long waitedNanos;
        long startedNanos = System.nanoTime();

        /** Time a step waited for its turn ({@link ComputeTurns}) before it ran. */
        void waited(long nanos) {
            waitedNanos += nanos;
        }

        double meanWaitMs() {
            return steps == 0 ? Double.NaN : waitedNanos / 1e6 / steps;
        }

        void add(StepResult r, int inputs) {
            steps++;
            samples += inputs;
            unusable += r.skippedInputs();
            stepMs += r.ms();
            if (r.applied()) {
                lossSum += r.loss();
                lossCount++;
            } else {
                skipped++;
            }
        }

        double meanLoss() {
            return lossCount == 0 ? Double.NaN : lossSum / lossCount;
        }

        double meanStepMs() {
            return steps == 0 ? Double.NaN : stepMs / steps;
        }

        /** Samples per second of wall-clock time, polling and checkpoints included. */
        double samplesPerSecond() {
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            return seconds <= 0 ? Double.NaN : samples / seconds;
        }

        void reset() {
            steps = 0;
            skipped = 0;
            unusable = 0;
            samples = 0;
            lossSum = 0;
            lossCount = 0;
            stepMs = 0;
            waitedNanos = 0;
            startedNanos = System.nanoTime();
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}
