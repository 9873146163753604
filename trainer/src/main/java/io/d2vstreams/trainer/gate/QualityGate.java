package io.d2vstreams.trainer.gate;

import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.TrainingModality;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an exported candidate of any trained modality may serve. It judges the version
 * on disk (what the pipeline would load), not the trainer's memory, with four checks, all run so
 * that the announcement carries every measurement:
 *
 * <ol>
 *   <li>{@link ParityCheck}: the candidate's {@code model.onnx} on ONNX Runtime matches the
 *       training model's {@code last_hidden_state} on a probe batch (the first held-out inputs).
 *   <li>{@link FiniteCheck}: the serving path's pooled, normalised embeddings of the held-out
 *       inputs hold no NaN or Inf. A model that fails model-runtime's own load probe fails here too.
 *   <li>{@link HeldOutLossCheck}: the candidate's data2vec loss on the held-out inputs is not
 *       worse than the ACTIVE version's.
 *   <li>{@link CollapseCheck}: those embeddings still vary and span many directions.
 * </ol>
 *
 * <p><b>How the two losses are measured.</b> Both versions' weights are read from the store and
 * evaluated, one after the other, in the student's place of the same trainer
 * ({@link Data2VecTrainer#heldOutLoss(List, io.d2vstreams.runtime.TensorBundle)}): the same
 * held-out inputs, the same fixed masks, the same targets from the trainer's current EMA teacher,
 * and the trainer's current regression head. A data2vec loss only means something against a
 * given teacher, and the teacher moves every step, so the loss the ACTIVE version had when it was
 * accepted cannot be compared with today's; measuring both now, against one set of targets, makes
 * the encoder the only difference. The head is the one part that is not neutral: it was trained
 * on top of the candidate's lineage, so the comparison leans towards the candidate. That is
 * acceptable for what this check is for, catching a candidate that got worse (divergence,
 * damaged weights), which a shared head does not hide; it is not a proof of improvement. When
 * the ACTIVE version has another architecture the loss is not comparable and the check records
 * only the candidate's.
 */
public final class QualityGate {

    private static final Logger LOG = LoggerFactory.getLogger(QualityGate.class);

    private final ParityCheck parity;
    private final FiniteCheck finite = new FiniteCheck();
    private final HeldOutLossCheck loss;
    private final CollapseCheck collapse;
    private final EncoderOptions options;

    public QualityGate(GateThresholds thresholds) {
        Objects.requireNonNull(thresholds, "thresholds");
        this.parity = new ParityCheck(thresholds.parityMaxAbsDiff());
        this.loss = new HeldOutLossCheck(thresholds.lossMaxRatio());
        this.collapse = new CollapseCheck(thresholds.varianceMin(), thresholds.effectiveRankMin());
        // What downstream consumers get: mean pooling then L2 normalisation; one thread beside training.
        this.options = EncoderOptions.defaults().withDevice(Device.CPU).withThreads(1, 1).withNormalize(true);
    }

    /** {@link #evaluate(TrainingModality, Data2VecTrainer, ModelStore, ModelManifest, Optional, List)} of a TEXT candidate. */
    public GateDecision evaluate(TextData2VecTrainer trainer, ModelStore store, ModelManifest candidate,
            Optional<ModelManifest> active, List<String> heldOut) {
        return evaluate(TrainingModality.TEXT, trainer, store, candidate, active, heldOut);
    }

    /**
     * @param modality the candidate's modality, which says how the pipeline serves it
     * @param trainer the trainer that exported the candidate (its teacher provides the targets)
     * @param candidate the exported version under judgement
     * @param active the version serving now, empty when there is none
     * @param heldOut inputs never trained on, at least two; those the served encoder refuses
     *     ({@link Encoder#rejectReason}: a corrupt clip) are left out of every check
     */
    public <I> GateDecision evaluate(TrainingModality<I> modality, Data2VecTrainer<I> trainer, ModelStore store,
            ModelManifest candidate, Optional<ModelManifest> active, List<I> heldOut) {
        String noun = modality.modality().folderName();
        if (heldOut.size() < 2) {
            throw new IllegalArgumentException("the gate needs at least two held-out " + noun + " inputs, got "
                    + heldOut.size());
        }
        List<CheckResult> results = new ArrayList<>();
        float[][] embeddings = null;
        String embedFailure = null;
        List<I> judged = heldOut;
        try (Encoder<I> encoder = modality.openServed(store, candidate, options)) {
            // Inputs the serving side refuses (a corrupt clip the sampler passed on) would be
            // dead-lettered by the pipeline, not embedded: they judge nothing.
            judged = heldOut.stream().filter(input -> encoder.rejectReason(input).isEmpty()).toList();
            if (judged.size() < heldOut.size()) {
                LOG.warn("event=gate_heldout_refused modality={} version={} refused={} judged={}", modality,
                        candidate.version(), heldOut.size() - judged.size(), judged.size());
            }
            embeddings = encoder.embed(judged);
        } catch (RuntimeException e) {
            embedFailure = "the ONNX model does not serve: " + e.getMessage();
        }
        List<I> usable = judged;
        List<I> probe = usable.subList(0, Math.min(usable.size(), trainer.config().batchSize()));
        results.add(measure(ParityCheck.NAME, () -> parity.evaluate(trainer.exportParity(candidate, probe))));
        if (embeddings == null) {
            results.add(CheckResult.fail(FiniteCheck.NAME, embedFailure, Map.of()));
        } else {
            results.add(finite.evaluate(embeddings, noun));
        }

        results.add(measure(HeldOutLossCheck.NAME, () -> {
            double candidateLoss = trainer.heldOutLoss(usable, store.readWeights(candidate));
            return loss.evaluate(candidateLoss, activeLoss(trainer, store, active, usable));
        }));

        if (embeddings == null) {
            results.add(CheckResult.fail(CollapseCheck.NAME, embedFailure, Map.of()));
        } else {
            float[][] vectors = embeddings;
            results.add(measure(CollapseCheck.NAME, () -> collapse.evaluate(vectors)));
        }
        return GateDecision.of(results);
    }

    private static <I> OptionalDouble activeLoss(Data2VecTrainer<I> trainer, ModelStore store,
            Optional<ModelManifest> active, List<I> heldOut) {
        if (active.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(trainer.heldOutLoss(heldOut, store.readWeights(active.get())));
        } catch (IllegalArgumentException e) {
            LOG.warn("event=gate_loss_not_comparable active_version={} reason=\"{}\"", active.get().version(), e.getMessage());
            return OptionalDouble.empty();
        }
    }

    /** A check whose measurement itself fails (unreadable file, ONNX error) fails with that reason. */
    private static CheckResult measure(String name, java.util.function.Supplier<CheckResult> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return CheckResult.fail(name, "could not be measured: " + e.getMessage(), Map.of());
        }
    }
}
