package io.d2vstreams.trainer.loop;

import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.trainer.ComputeTurns;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.ModelVersionLog;
import io.d2vstreams.trainer.StepResult;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import io.d2vstreams.trainer.TrainingModality;
import io.d2vstreams.trainer.export.CandidateExporter;
import io.d2vstreams.trainer.export.CandidateRelease;
import io.d2vstreams.trainer.gate.QualityGate;
import io.d2vstreams.trainer.internal.HeldOutSet;
import io.d2vstreams.trainer.internal.ReplayBuffer;
import io.d2vstreams.trainer.internal.SampleIntake;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** Pause between reads while the registry is unreachable (its client already retried with backoff). */
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);

    private final TrainingModality<I> modality;
    private final Modality kind;
    private final TrainerWorkerConfig config;
    private final CandidateExporter exporter;
    private final ComputeTurns turns;
    private final String samplesTopic;
    private final String groupId;
    private final ModalityCheckpoints checkpointFolder;
    private final ReplayBuffer<I> buffer;
    private final HeldOutSet<I> heldOut;
    private final QualityGate gate;
    private final LoopProgress progress;
    private final ProgressLog progressLog;
    private final ExportSchedule exports;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    public TrainingLoop(TrainingModality<I> modality, TrainerWorkerConfig config, CandidateExporter exporter,
            ComputeTurns turns) {
        this.modality = modality;
        this.kind = modality.modality();
        this.config = config;
        this.exporter = exporter;
        this.turns = turns;
        this.samplesTopic = config.topics().trainingSamples();
        this.groupId = config.groupId(kind);
        this.checkpointFolder = new ModalityCheckpoints(config, kind);
        this.buffer = new ReplayBuffer<>(config.replayCapacity(), config.replayFreshFraction());
        this.heldOut = new HeldOutSet<>(config.heldOutEvery(), config.heldOutSize(), modality.heldOutCodec());
        this.gate = new QualityGate(config.gate());
        this.progress = new LoopProgress(kind);
        this.progressLog = new ProgressLog(kind, config.logIntervalSteps());
        this.exports = new ExportSchedule(kind, config);
    }

    public Modality modality() {
        return kind;
    }

    public String groupId() {
        return groupId;
    }

    /** @param alive whether the loop's thread runs */
    public TrainerWorker.Progress progress(boolean alive) {
        return progress.snapshot(alive && running);
    }

    /** Makes {@link #run()} return at its next step boundary, after a last checkpoint; from any thread. */
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // the one KafkaConsumer method that is safe from another thread
        }
    }

    /** Trains until {@link #stop()}; on the calling thread, which it keeps. */
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
            if (!running || !RequiredTopics.await(kafka, config.topics(), CLIENT_TIMEOUT, kind, () -> running)) {
                return;
            }
            models.catchUp(CLIENT_TIMEOUT);
            ModelManifest base = BaseVersion.choose(kind, config.modelSeed(), store, models, announcer);
            progress.baseVersion = base.version();
            try (Data2VecTrainer<I> trainer = modality.openTrainer(store, base, config.training(kind))) {
                ResumeOffsets offsets = new ResumeOffsets(kafka, buffer, kind, groupId);
                LoopCheckpoints checkpoints = new LoopCheckpoints(kind, samplesTopic, groupId, checkpointFolder, heldOut,
                        offsets, buffer, CLIENT_TIMEOUT);
                LoopCheckpoints.Resumed resumed = checkpoints.restore(trainer, base);
                progress.completedSteps = resumed.step();
                progress.heldOutCount = heldOut.count();
                exports.resumedAt(resumed.exportStep());
                kafka.subscribe(List.of(samplesTopic), offsets);
                CandidateRelease<I> release = new CandidateRelease<>(modality, exporter, gate, turns, store, models,
                        announcer, CLIENT_TIMEOUT, progress::decided);
                Session session = new Session(trainer, kafka, samples, offsets, checkpoints, resumed, release);
                try {
                    session.loop();
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                }
                session.checkpointIfBehind(); // graceful stop: keep every step taken
            }
        } finally {
            consumer = null;
            LOG.info("event=trainer_worker_stopped modality={} step={} samples_read={} samples_trained={}", kind,
                    progress.completedSteps, progress.samplesRead, progress.samplesTrained);
        }
    }

    private Map<String, Object> consumerProperties(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putAll(TrainerWorkerConfig.fixedConsumerSettings(groupId));
        return props;
    }

    /** The loop proper: polls samples into the replay buffer, steps on its batches, checkpoints and exports when due. */
    private final class Session {
        private final Data2VecTrainer<I> trainer;
        private final KafkaConsumer<String, byte[]> kafka;
        private final LoopCheckpoints checkpoints;
        private final CandidateRelease<I> release;
        private final SplittableRandom replayRandom;
        private final SampleIntake<I> intake;
        private long completedSteps;
        private long lastCheckpointStep;
        private int lineage;

        Session(Data2VecTrainer<I> trainer, KafkaConsumer<String, byte[]> kafka,
                SpecificAvroDeserializer<TrainingSample> samples, ResumeOffsets offsets, LoopCheckpoints checkpoints,
                LoopCheckpoints.Resumed resumed, CandidateRelease<I> release) {
            this.trainer = trainer;
            this.kafka = kafka;
            this.checkpoints = checkpoints;
            this.release = release;
            this.completedSteps = resumed.step();
            this.lastCheckpointStep = resumed.step();
            this.lineage = resumed.lineage();
            this.replayRandom = new SplittableRandom(trainer.config().seed() ^ trainer.completedSteps());
            this.intake = new SampleIntake<>(samples::deserialize, modality::inputOf, trainer::rejectReason, buffer,
                    heldOut, offsets.nextOffsets(), REGISTRY_BACKOFF, System::nanoTime);
        }

        void loop() {
            while (running) {
                // Back-pressure (a full fresh backlog) or a registry outage: stop fetching, keep
                // polling to stay in the group.
                if (intake.shouldPause()) {
                    kafka.pause(kafka.assignment());
                } else if (!kafka.paused().isEmpty()) {
                    kafka.resume(kafka.paused());
                }
                intake.acceptAll(kafka, kafka.poll(config.pollTimeout()));
                progress.samplesRead = intake.samplesRead();
                progress.samplesSetAside = intake.unusable();
                progress.heldOutCount = heldOut.count();
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

        void checkpointIfBehind() {
            if (completedSteps > lastCheckpointStep) {
                checkpoint();
            }
        }

        private void step(ReplayBuffer.Batch<I> batch) {
            long asked = System.nanoTime();
            StepResult r = turns.take(() -> {
                progressLog.waited(System.nanoTime() - asked);
                return trainer.step(batch.inputs());
            });
            completedSteps = trainer.completedSteps();
            progress.completedSteps = completedSteps;
            progress.samplesTrained += batch.inputs().size();
            progress.samplesUnusable += r.skippedInputs();
            if (r.applied()) {
                progress.lastLoss = r.loss();
            }
            bufferCounts();
            progressLog.stepped(r, batch.inputs().size(), completedSteps, buffer.freshCount(), buffer.replayCount(),
                    heldOut.count());
        }

        /** What the replay buffer holds, for {@link #progress} on other threads (the buffer is this thread's). */
        private void bufferCounts() {
            progress.replayCount = buffer.replayCount();
            progress.freshCount = buffer.freshCount();
        }

        private void checkpoint() {
            checkpoints.write(trainer, kafka, completedSteps, lineage, exports.lastExportStep());
            lastCheckpointStep = completedSteps;
            measureHeldOut();
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
            progress.heldOutLoss(loss, completedSteps);
            LOG.info("event=trainer_heldout_loss modality={} step={} heldout_loss={} heldout={}", kind, completedSteps,
                    ProgressLog.fmt(loss), inputs.size());
        }

        private void maybeExport() {
            if (!exports.due(completedSteps, heldOut.count())) {
                return;
            }
            CandidateRelease.Released released = release.release(trainer, completedSteps, lineage, heldOut.inputs());
            lineage = released.decision().version(); // training goes on from these weights, whatever the gate says
            exports.exported(completedSteps, released.exportedAtNanos());
        }
    }
}
