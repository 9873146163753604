package io.d2vstreams.trainer.export;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.trainer.ComputeTurns;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.ModelAnnouncements;
import io.d2vstreams.trainer.ModelVersionLog;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainingModality;
import io.d2vstreams.trainer.gate.GateDecision;
import io.d2vstreams.trainer.gate.QualityGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases one modality's trained state as a model version: exports it to the store, announces it
 * CANDIDATE on {@code d2v.models}, has the quality gate judge it against the ACTIVE version, and
 * announces the verdict, ACTIVE or REJECTED. The export and the gate each take a compute turn of
 * their own, so other modalities' loops may step between them.
 *
 * @param <I> the modality's input
 */
public final class CandidateRelease<I> {

    /**
     * What one release did.
     *
     * @param decision the verdict announced; its version is the candidate's
     * @param exportedAtNanos {@link System#nanoTime()} when the export ended, before the gate ran
     */
    public record Released(TrainerWorker.Decision decision, long exportedAtNanos) {}

    private static final Logger LOG = LoggerFactory.getLogger(CandidateRelease.class);

    private final TrainingModality<I> modality;
    private final Modality kind;
    private final CandidateExporter exporter;
    private final QualityGate gate;
    private final ComputeTurns turns;
    private final ModelStore store;
    private final ModelVersionLog models;
    private final ModelAnnouncer announcer;
    private final Duration clientTimeout;
    private final Consumer<TrainerWorker.Decision> onVerdict;

    /**
     * @param clientTimeout how long reading {@code d2v.models} up to date may take
     * @param onVerdict told of each verdict once announced, before it is logged, so that whoever
     *     reports progress shows it no later than the log line does
     */
    public CandidateRelease(TrainingModality<I> modality, CandidateExporter exporter, QualityGate gate, ComputeTurns turns,
            ModelStore store, ModelVersionLog models, ModelAnnouncer announcer, Duration clientTimeout,
            Consumer<TrainerWorker.Decision> onVerdict) {
        this.modality = modality;
        this.kind = modality.modality();
        this.exporter = exporter;
        this.gate = gate;
        this.turns = turns;
        this.store = store;
        this.models = models;
        this.announcer = announcer;
        this.clientTimeout = clientTimeout;
        this.onVerdict = onVerdict;
    }

    /**
     * @param step the training step the state is at
     * @param parentVersion the version the state was trained from
     * @param heldOut the inputs the gate judges on, never trained on
     */
    public Released release(Data2VecTrainer<I> trainer, long step, int parentVersion, List<I> heldOut) {
        long started = System.nanoTime();
        ModelManifest candidate = turns.take(() -> exporter.export(trainer, store));
        long exportedAt = System.nanoTime();
        ModelVersion announced = ModelAnnouncements.of(candidate, ModelStatus.CANDIDATE,
                "exported at step " + step + ", awaiting the quality gate", parentVersion, Map.of("step", (double) step));
        announcer.announce(announced);
        LOG.info("event=model_candidate modality={} version={} parent_version={} step={}", kind, candidate.version(),
                parentVersion, step);

        Optional<ModelManifest> active = models.catchUp(clientTimeout).active(kind)
                .flatMap(a -> store.version(kind, a.getVersion()));
        GateDecision decision = turns.take(() -> gate.evaluate(modality, trainer, store, candidate, active, heldOut));
        ModelStatus status = decision.accepted() ? ModelStatus.ACTIVE : ModelStatus.REJECTED;
        Map<String, Double> metrics = new TreeMap<>(decision.metrics());
        metrics.put("step", (double) step);
        active.ifPresent(a -> metrics.put("active_version", (double) a.version()));
        announcer.announce(ModelAnnouncements.of(candidate, status, decision.reason(), parentVersion, metrics));
        TrainerWorker.Decision verdict = new TrainerWorker.Decision(candidate.version(), status, decision.reason(), step,
                metrics);
        onVerdict.accept(verdict);
        LOG.info("event={} modality={} version={} active_before={} step={} gate_ms={} reason=\"{}\"",
                decision.accepted() ? "model_accepted" : "model_rejected", kind, candidate.version(),
                active.map(m -> Integer.toString(m.version())).orElse("none"), step,
                (System.nanoTime() - started) / 1_000_000, decision.reason());
        return new Released(verdict, exportedAt);
    }
}
