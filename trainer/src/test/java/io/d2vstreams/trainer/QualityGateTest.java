package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.trainer.gate.CollapseCheck;
import io.d2vstreams.trainer.gate.GateDecision;
import io.d2vstreams.trainer.gate.GateThresholds;
import io.d2vstreams.trainer.gate.HeldOutLossCheck;
import io.d2vstreams.trainer.gate.ParityCheck;
import io.d2vstreams.trainer.gate.QualityGate;
import io.d2vstreams.trainer.internal.VersionFiles;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("QualityGate on real exports of the tiny text model")
class QualityGateTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("accepts a trained export against its seeded parent, with every measurement in the metrics")
    void acceptsTrained() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        List<String> heldOut = TinyText.sentences(32, 1000);
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            for (int i = 0; i < 20; i++) {
                trainer.step(TinyText.sentences(8, i * 8));
            }
            ModelManifest candidate = trainer.exportTo(store);
            GateDecision decision = new QualityGate(GateThresholds.defaults())
                    .evaluate(trainer, store, candidate, Optional.of(base), heldOut);
            assertThat(decision.accepted()).as("accepted: %s", decision.reason()).isTrue();
            assertThat(decision.metrics()).as("measurements").containsKeys(ParityCheck.METRIC,
                    HeldOutLossCheck.CANDIDATE_METRIC, HeldOutLossCheck.ACTIVE_METRIC, CollapseCheck.VARIANCE_METRIC,
                    CollapseCheck.RANK_METRIC);
            assertThat(decision.metrics().get(HeldOutLossCheck.CANDIDATE_METRIC)).as("the candidate's held-out loss")
                    .isLessThan(decision.metrics().get(HeldOutLossCheck.ACTIVE_METRIC));
            assertThat(decision.metrics().get(HeldOutLossCheck.CANDIDATE_METRIC))
                    .as("measured from the store's weights, it equals the trainer's own student's loss")
                    .isCloseTo(trainer.heldOutLoss(heldOut), within(1e-5));
        }
    }

    @Test
    @DisplayName("rejects an export with NaN weights, saying that parity, finiteness and loss failed")
    void rejectsNaN() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            trainer.step(TinyText.sentences(8, 0));
            ModelManifest broken = store.add(TextSpec.INSTANCE, trainer.modelName(), trainer.textConfig(),
                    withNaN(trainer.studentWeights()), VersionFiles.read(base, ModelStore.TOKENIZER_FILE));
            GateDecision decision = new QualityGate(GateThresholds.defaults())
                    .evaluate(trainer, store, broken, Optional.of(base), TinyText.sentences(16, 500));
            assertThat(decision.accepted()).as("rejected").isFalse();
            assertThat(decision.reason()).as("reason names the failed checks")
                    .contains("parity:").contains("finite:").contains("heldout_loss:");
        }
    }

    @Test
    @DisplayName("rejects a candidate worse than ACTIVE: the seeded weights judged against a trained ACTIVE version")
    void rejectsWorse() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            for (int i = 0; i < 20; i++) {
                trainer.step(TinyText.sentences(8, i * 8));
            }
            ModelManifest trained = trainer.exportTo(store);
            // Judge the untrained base as if it were the candidate: parity fails too (it is not the
            // trainer's student), but the loss check must fail on its own account.
            GateDecision decision = new QualityGate(GateThresholds.defaults())
                    .evaluate(trainer, store, base, Optional.of(trained), TinyText.sentences(32, 1000));
            assertThat(decision.accepted()).isFalse();
            assertThat(decision.reason()).as("loss reason").contains("heldout_loss: held-out loss")
                    .contains("worse than the ACTIVE version's");
        }
    }

    private static TensorBundle withNaN(TensorBundle weights) {
        TensorBundle.Builder b = TensorBundle.builder();
        for (String name : weights.names()) {
            float[] data = weights.get(name).data().clone();
            if (name.endsWith("attention.output.dense.weight")) {
                data[0] = Float.NaN;
            }
            b.put(name, weights.get(name).shape(), data);
        }
        return b.build();
    }
}
