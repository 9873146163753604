package io.d2vstreams.trainer;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continual TEXT training worker: one thread that reads {@code d2v.training.samples},
 * trains the encoder with data2vec on a replay buffer, checkpoints with the consumer offsets,
 * and every so often exports a candidate version, runs the quality gate and announces it ACTIVE
 * or REJECTED on {@code d2v.models}, where the pipeline picks it up.
 *
 * <pre>{@code
 * try (TrainerWorker worker = TrainerWorker.start(TrainerWorkerConfig.from(settings).forDemo())) {
 *     // produce samples ...
 *     worker.progress().completedSteps();   // steps so far (restored ones included)
 *     worker.progress().decisions();        // versions accepted or rejected, with reasons
 * }
 * }</pre>
 *
 * <p>Crash safety: a checkpoint holds the model, the optimizer, the step count, the held-out texts
 * and, per partition, the offset of the oldest sample not yet trained on; the same offsets are
 * committed to the group {@code <application.id>-text} right after. A restart (also after
 * {@code kill -9}) restores the newest usable checkpoint and seeks there, so it continues with the
 * same step count and every sample the checkpointed model had not learnt from is read again.
 * {@link #close()} stops at the next step boundary and writes a last checkpoint. The training
 * thread is not a daemon, so that a JVM does not exit in the middle of a checkpoint: whoever
 * starts a worker closes it (a demo in a try-with-resources, the CLI from a shutdown hook).
 */
public final class TrainerWorker implements AutoCloseable {

    /**
     * How a candidate comes to be: by default the trainer's {@link Data2VecTextTrainer#exportTo}.
     * Package-private so that a test can hand the real gate a genuinely broken candidate.
     */
    @FunctionalInterface
    interface CandidateExporter {
        ModelManifest export(Data2VecTextTrainer trainer, ModelStore store);
    }

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
     * A snapshot of the worker.
     *
     * @param running whether the training thread runs
     * @param baseVersion the store version training started from, 0 until known
     * @param completedSteps updates applied so far, restored ones included
     * @param samplesRead TEXT samples read from the topic by this process
     * @param samplesTrained texts fed to steps by this process (replayed ones counted again)
     * @param heldOut held-out texts kept for the gate
     * @param lastLoss the loss of the latest step, NaN before the first
     * @param decisions the gate's verdicts, oldest first
     */
    public record Progress(boolean running, int baseVersion, long completedSteps, long samplesRead, long samplesTrained,
            int heldOut, double lastLoss, List<Decision> decisions) {
        public Progress {
            decisions = List.copyOf(decisions);
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

    private final TextTrainingLoop loop;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Throwable failure;

    private TrainerWorker(TextTrainingLoop loop) {
        this.loop = loop;
        this.thread = new Thread(this::run, "d2v-trainer-text");
    }

    /** Starts the TEXT worker on its own thread; problems after this point end the thread (see {@link #failure()}). */
    public static TrainerWorker start(TrainerWorkerConfig config) {
        return start(config, Data2VecTextTrainer::exportTo);
    }

    static TrainerWorker start(TrainerWorkerConfig config, CandidateExporter exporter) {
        Objects.requireNonNull(config, "config");
        TrainerWorker worker = new TrainerWorker(new TextTrainingLoop(config, exporter, new CopyOnWriteArrayList<>()));
        LOG.info("event=trainer_worker_starting modality=TEXT group={} settings={}", config.textGroupId(), config.describe());
        worker.thread.start();
        return worker;
    }

    public Progress progress() {
        return loop.progress(thread.isAlive());
    }

    /** Waits until the training thread has ended (after {@link #close()}, or because it failed). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the training thread ended on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops at the next step boundary, writes a last checkpoint, commits its offsets, closes every client. */
    @Override
    public void close() {
        loop.stop();
        try {
            if (!stopped.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("event=trainer_worker_stop_slow modality=TEXT waited_ms={}", STOP_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            loop.run();
        } catch (Throwable t) {
            failure = t;
            LOG.error("event=trainer_worker_failed modality=TEXT error=\"{}\"", t.toString(), t);
        } finally {
            stopped.countDown();
        }
    }
}
