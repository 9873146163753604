package io.d2vstreams.trainer;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.export.CandidateExporter;
import io.d2vstreams.trainer.loop.TrainingLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continual training worker: one loop per modality of {@code trainer.modalities} (TEXT,
 * IMAGE and AUDIO by default), each on its own thread, that reads
 * {@code d2v.training.samples} in its own consumer group and keeps its modality's samples, trains
 * that modality's encoder with data2vec on a replay buffer, checkpoints with the consumer
 * offsets, and every so often exports a candidate version, runs the quality gate and announces it
 * ACTIVE or REJECTED on {@code d2v.models}, where the pipeline picks it up. The loops poll
 * independently but compute in turns ({@link ComputeTurns}, {@code trainer.concurrent.steps}):
 * by default one step of one modality at a time, on one libtorch thread
 * ({@code trainer.threads}), so that training three modalities takes the CPU one loop on one
 * core would, and a pipeline beside it keeps the rest.
 *
 * <pre>{@code
 * try (TrainerWorker worker = TrainerWorker.start(TrainerWorkerConfig.from(settings).forDemo())) {
 *     // produce samples ...
 *     worker.progress(Modality.TEXT).completedSteps();   // steps so far (restored ones included)
 *     worker.progress(Modality.TEXT).decisions();        // versions accepted or rejected, with reasons
 * }
 * }</pre>
 *
 * <p>Crash safety, per modality: a checkpoint in {@code <trainer.checkpoint.dir>/<modality>} holds
 * the model, the optimizer, the step count, the held-out inputs and, per partition, the offset of
 * the oldest sample of that modality not yet trained on; the same offsets are committed to the
 * group {@code <application.id>-<modality>} right after. A restart (also after {@code kill -9})
 * restores the newest usable checkpoint and seeks there, so it continues with the same step count
 * and every sample the checkpointed model had not learnt from is read again. {@link #close()}
 * stops every loop at its next step boundary and writes a last checkpoint. When one loop fails,
 * the worker stops the others the same way, so that a process restart (which the failure should
 * cause) resumes them all. The training threads are not daemons, so that a JVM does not exit in
 * the middle of a checkpoint: whoever starts a worker closes it (a demo in a try-with-resources,
 * the CLI from a shutdown hook).
 */
public final class TrainerWorker implements AutoCloseable {

    /**
     * The gate's verdict on one exported version.
     *
     * @param version the store version
     * @param status ACTIVE or REJECTED
     * @param reason the gate's reason (the failed checks, or the measurements when accepted)
     * @param step the training step it was exported at
     * @param metrics the gate's measurements
     */
    public record Decision(int version, ModelStatus status, String reason, long step, Map<String, Double> metrics) {
        public Decision {
            metrics = Map.copyOf(metrics);
        }

        public boolean accepted() {
            return status == ModelStatus.ACTIVE;
        }
    }

    /**
     * A snapshot of one modality's loop.
     *
     * @param modality the modality it trains
     * @param running whether its training thread runs
     * @param baseVersion the store version training started from, 0 until known
     * @param completedSteps updates applied so far, restored ones included
     * @param samplesRead samples of this modality read from the topic by this process
     * @param samplesTrained inputs fed to steps by this process (replayed ones counted again)
     * @param heldOut held-out inputs kept for the gate
     * @param lastLoss the loss of the latest step, NaN before the first
     * @param decisions the gate's verdicts, oldest first
     * @param samplesUnusable samples whose input the trainer could not preprocess (a corrupt image or
     *     audio clip): set aside on arrival (counted in {@code samplesRead} too), or left out of a step
     * @param replaySamples samples already trained on, kept for replay
     * @param freshSamples samples read and not yet trained on
     * @param heldOutLoss the student's data2vec loss on the held-out samples, measured at the latest
     *     checkpoint or export; NaN before the first (or while fewer than {@code gate.heldout.min} are held out)
     * @param heldOutLossStep the step {@code heldOutLoss} was measured at, -1 before the first
     */
    public record Progress(Modality modality, boolean running, int baseVersion, long completedSteps, long samplesRead,
            long samplesTrained, int heldOut, double lastLoss, List<Decision> decisions, long samplesUnusable,
            int replaySamples, int freshSamples, double heldOutLoss, long heldOutLossStep) {
        public Progress {
            decisions = List.copyOf(decisions);
        }

        /** A loop that left no input out, and whose buffers and held-out loss are not known. */
        public Progress(Modality modality, boolean running, int baseVersion, long completedSteps, long samplesRead,
                long samplesTrained, int heldOut, double lastLoss, List<Decision> decisions) {
            this(modality, running, baseVersion, completedSteps, samplesRead, samplesTrained, heldOut, lastLoss, decisions,
                    0, 0, 0, Double.NaN, -1);
        }

        /** The latest verdict of the gate, if any. */
        public Optional<Decision> lastDecision() {
            return decisions.isEmpty() ? Optional.empty() : Optional.of(decisions.get(decisions.size() - 1));
        }

        public List<Integer> acceptedVersions() {
            return decisions.stream().filter(Decision::accepted).map(Decision::version).toList();
        }

        public List<Integer> rejectedVersions() {
            return decisions.stream().filter(d -> !d.accepted()).map(Decision::version).toList();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrainerWorker.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** One loop and its thread. */
    private record Running(TrainingLoop<?> loop, Thread thread) {}

    private final Map<Modality, Running> loops = new LinkedHashMap<>();
    private final CountDownLatch stopped;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private TrainerWorker(TrainerWorkerConfig config, CandidateExporter exporter) {
        ComputeTurns turns = new ComputeTurns(config.concurrentSteps());
        for (Modality modality : config.modalities()) {
            TrainingLoop<?> loop = new TrainingLoop<>(TrainingModality.of(modality), config, exporter, turns);
            loops.put(modality, new Running(loop, new Thread(() -> run(loop), "d2v-trainer-" + modality.folderName())));
        }
        this.stopped = new CountDownLatch(loops.size());
    }

    /**
     * Starts one loop per configured modality, each on its own thread; problems after this point
     * end the worker (see {@link #failure()}).
     */
    public static TrainerWorker start(TrainerWorkerConfig config) {
        return start(config, Data2VecTrainer::exportTo);
    }

    static TrainerWorker start(TrainerWorkerConfig config, CandidateExporter exporter) {
        Objects.requireNonNull(config, "config");
        // Before any loop computes: libtorch's thread count is the process's, and a pipeline may share the cores.
        int threads = io.d2vstreams.trainer.internal.DjlEnvironment.intraOpThreads(config.threads());
        LOG.info("event=trainer_threads intra_op={} concurrent_steps={}", threads, config.concurrentSteps());
        TrainerWorker worker = new TrainerWorker(config, exporter);
        for (Running r : worker.loops.values()) {
            LOG.info("event=trainer_worker_starting modality={} group={} checkpoint_dir={} settings={}",
                    r.loop().modality(), r.loop().groupId(), config.checkpointDir(r.loop().modality()),
                    config.describe());
            r.thread().start();
        }
        return worker;
    }

    /** The modalities this worker trains, in the order configured. */
    public List<Modality> modalities() {
        return List.copyOf(loops.keySet());
    }

    /**
     * A snapshot of one modality's loop.
     *
     * @throws IllegalArgumentException when this worker does not train {@code modality}
     */
    public Progress progress(Modality modality) {
        Running r = loops.get(modality);
        if (r == null) {
            throw new IllegalArgumentException("this worker trains " + loops.keySet() + ", not " + modality);
        }
        return r.loop().progress(r.thread().isAlive());
    }

    /**
     * The snapshot of a worker that trains one modality ({@code trainer.modalities=TEXT}, say).
     *
     * @throws IllegalStateException when it trains several; ask {@link #progress(Modality)}
     */
    public Progress progress() {
        if (loops.size() != 1) {
            throw new IllegalStateException("this worker trains " + loops.keySet() + "; ask progress(modality)");
        }
        return progress(loops.keySet().iterator().next());
    }

    /** Waits until every training thread has ended (after {@link #close()}, or because one failed). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why a training thread ended on its own, if one did (the first, when several). */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Stops every loop at its next step boundary, writes their last checkpoints, commits their offsets, closes every client. */
    @Override
    public void close() {
        loops.values().forEach(r -> r.loop().stop());
        try {
            if (!stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("event=trainer_worker_stop_slow modalities={} waited_ms={}", loops.keySet(),
                        STOP_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(TrainingLoop<?> loop) {
        try {
            loop.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            LOG.error("event=trainer_worker_failed modality={} error=\"{}\"", loop.modality(), t.toString(), t);
            // The others stop at a step boundary with a last checkpoint, so the process can exit and restart them all.
            loops.values().stream().filter(r -> r.loop() != loop).forEach(r -> r.loop().stop());
        } finally {
            stopped.countDown();
        }
    }
}
