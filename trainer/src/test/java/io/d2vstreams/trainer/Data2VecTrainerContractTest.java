package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModalitySpecs;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.spi.ModalitySpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every modality's trainer must do, checked the same way for each (see {@link TrainerCase}):
 * export what it trains, serve it, measure held-out loss repeatably, checkpoint and resume to the
 * same next step, refuse what is not its own, and train from any thread. What only one modality
 * has (its recipe's learning curve, corrupt-input handling) stays in that modality's test class.
 */
@DisplayName("Every modality's Data2VecTrainer")
class Data2VecTrainerContractTest {

    @TempDir
    Path dir;

    static Stream<TrainerCase<?>> modalities() {
        return TrainerCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("the exported ONNX model computes what the training model computes, before and after training (<= 1e-4)")
    <I> void exportParity(TrainerCase<I> c) {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = c.seed(store);
        List<I> probe = c.probe(4, 99);
        ModalitySpec<?, ?, ?> spec = ModalitySpecs.of(c.modality().modality());
        try (ForwardingData2VecTrainer<I> trainer = c.open(store, base)) {
            assertThat(trainer.exportParity(base, probe)).as("max |DJL - ONNX| on the seeded default").isLessThanOrEqualTo(1e-4);
            for (int i = 0; i < 5; i++) {
                trainer.step(c.batch(10 + i));
            }
            ModelManifest exported = trainer.exportTo(store);
            assertThat(exported.version()).as("a new version").isEqualTo(base.version() + 1);
            assertThat(exported.name()).as("the base's name").isEqualTo(base.name());
            assertThat(exported.sha256ByFile().keySet()).as("the files of its base").isEqualTo(base.sha256ByFile().keySet());
            if (spec.preprocessingRequired()) {
                assertThat(exported.sha256ByFile()).as("exported with its preprocessing").containsKey(spec.preprocessingFile());
            }
            assertThat(trainer.exportParity(exported, probe)).as("max |DJL - ONNX| after 5 steps").isLessThanOrEqualTo(1e-4);
            assertThat(trainer.exportParity(base, probe)).as("the untrained base differs from the trained student")
                    .isGreaterThan(1e-3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("an exported version is served with the new weights: its vectors differ from v1's")
    <I> void exportServes(TrainerCase<I> c) throws Exception {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = c.seed(store);
        ModelManifest exported;
        try (ForwardingData2VecTrainer<I> trainer = c.open(store, base)) {
            for (int i = 0; i < 5; i++) {
                trainer.step(c.batch(20 + i));
            }
            exported = trainer.exportTo(store);
        }
        List<I> inputs = c.probe(3, 5);
        try (Encoder<I> v1 = c.modality().openServed(store, base, EncoderOptions.defaults());
                Encoder<I> v2 = c.modality().openServed(store, exported, EncoderOptions.defaults())) {
            assertThat(v2.id().version()).as("served version").isEqualTo(2);
            float[][] old = v1.embed(inputs);
            float[][] fresh = v2.embed(inputs);
            assertThat(fresh).as("one vector per input").hasNumberOfRows(3);
            double maxDiff = 0;
            for (int i = 0; i < 3; i++) {
                assertThat(fresh[i]).as("vector %d length", i).hasSize(base.dim());
                for (int j = 0; j < fresh[i].length; j++) {
                    assertThat(Float.isFinite(fresh[i][j])).as("vector %d value %d finite", i, j).isTrue();
                    maxDiff = Math.max(maxDiff, Math.abs(fresh[i][j] - old[i][j]));
                }
            }
            assertThat(maxDiff).as("max |v2 - v1| over the vectors").isGreaterThan(1e-3);
        }
    }

    /** For image and audio the other weights borrow the student's mask token / masked_spec_embed, which exports carry none of. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("the held-out loss is repeatable, and the student's exported weights measured as another encoder give the same number")
    <I> void heldOutLoss(TrainerCase<I> c) {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = c.seed(store);
        List<I> heldOut = c.inputs(c.batchSize() + c.batchSize() / 2, 77);
        try (ForwardingData2VecTrainer<I> trainer = c.open(store, base)) {
            for (int i = 0; i < 3; i++) {
                trainer.step(c.batch(30 + i));
            }
            double loss = trainer.heldOutLoss(heldOut);
            assertThat(loss).as("held-out loss").isFinite().isPositive();
            assertThat(trainer.heldOutLoss(heldOut)).as("measured again").isEqualTo(loss);
            assertThat(trainer.heldOutLoss(heldOut, trainer.studentWeights())).as("the student's weights as another encoder")
                    .isCloseTo(loss, Offset.offset(1e-5));
            assertThat(trainer.heldOutLoss(heldOut, store.readWeights(base))).as("the untrained base's loss")
                    .isNotCloseTo(loss, Offset.offset(1e-5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("checkpoint, then a new trainer restores the step count, identical weights, the mask and head, and the same next step")
    <I> void checkpointRestore(TrainerCase<I> c) {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = c.seed(store);
        Path checkpoints = dir.resolve("checkpoints");
        TensorBundle student;
        TensorBundle teacher;
        double heldOut;
        StepResult next;
        List<I> probe = c.inputs(4, 60);
        try (ForwardingData2VecTrainer<I> trainer = c.open(store, base)) {
            for (int i = 0; i < 3; i++) {
                trainer.step(c.batch(50 + i));
            }
            CheckpointInfo info = trainer.checkpoint(checkpoints, Map.of("offset.d2v.training.samples.0", "24"));
            assertThat(info.step()).isEqualTo(3);
            student = trainer.studentWeights();
            teacher = trainer.teacherWeights();
            // The held-out loss goes through the mask embedding and the head, which are not encoder weights.
            heldOut = trainer.heldOutLoss(probe);
            next = trainer.step(c.batch(100));
        }
        try (ForwardingData2VecTrainer<I> resumed = c.open(store, base)) {
            Optional<CheckpointInfo> restored = resumed.restoreLatest(checkpoints);
            assertThat(restored).as("a checkpoint restored").isPresent();
            assertThat(restored.get().step()).as("its step").isEqualTo(3);
            assertThat(restored.get().extra()).as("its extra").containsEntry("offset.d2v.training.samples.0", "24");
            assertThat(resumed.completedSteps()).as("step count").isEqualTo(3);
            assertSameWeights("student", resumed.studentWeights(), student);
            assertSameWeights("teacher", resumed.teacherWeights(), teacher);
            assertThat(resumed.heldOutLoss(probe)).as("held-out loss (mask embedding, head)").isCloseTo(heldOut,
                    Offset.offset(1e-6));
            // Masks and dropout come from (seed, step), head and moments from the checkpoint.
            StepResult again = resumed.step(c.batch(100));
            assertThat(again.step()).isEqualTo(next.step());
            assertThat(again.loss()).as("the resumed run's next loss").isCloseTo(next.loss(), Offset.offset(1e-5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("another modality's checkpoints do not fit: restoring fails, naming the config, instead of starting over")
    <I> void foreignCheckpointRefused(TrainerCase<I> c) {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest own = c.seed(store);
        Path checkpoints = dir.resolve("checkpoints");
        writeOneCheckpoint(c.foreign().get(), store, checkpoints);
        try (ForwardingData2VecTrainer<I> trainer = c.open(store, own)) {
            assertThat(trainer.restoreLatest(dir.resolve("empty"))).as("no checkpoint yet").isEmpty();
            assertThatThrownBy(() -> trainer.restoreLatest(checkpoints)).as("a %s checkpoint", c.foreign().get())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(c.configKey());
            assertThat(trainer.completedSteps()).as("nothing restored").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("a trainer made on one thread trains, restores and evaluates on another (libtorch's grad mode is per thread)")
    <I> void otherThread(TrainerCase<I> c) throws Exception {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = c.seed(store);
        Path checkpoints = dir.resolve("checkpoints");
        try (ForwardingData2VecTrainer<I> trainer = c.open(store, base)) {
            trainer.step(c.batch(40));
            trainer.checkpoint(checkpoints, Map.of());
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                StepResult r = other.submit(() -> trainer.step(c.batch(41))).get();
                assertThat(r.applied()).as("step on another thread applied").isTrue();
                assertThat(r.step()).as("its step count").isEqualTo(2);
                assertThat(other.submit(() -> trainer.restoreLatest(checkpoints)).get()).as("restored on another thread")
                        .map(CheckpointInfo::step).contains(1L);
                assertThat(other.submit(() -> trainer.heldOutLoss(c.inputs(4, 42))).get())
                        .as("held-out loss on another thread").isFinite();
            } finally {
                other.shutdownNow();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("bad use is refused with a reason: another modality's version, an empty or oversized batch")
    <I> void refusals(TrainerCase<I> c) {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = c.seed(store);
        TrainerCase<?> foreign = c.foreign().get();
        ModelManifest other = foreign.seed(store);
        assertThatThrownBy(() -> c.opener().open(store, other, c.config())).as("a %s version", foreign)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(" model, not a").hasMessageEndingWith(c + " one");
        try (ForwardingData2VecTrainer<I> trainer = c.open(store, base)) {
            assertThatThrownBy(() -> trainer.step(List.of())).as("empty batch").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> trainer.step(c.inputs(c.batchSize() + 1, 1)))
                    .as("%d inputs, batch size %d", c.batchSize() + 1, c.batchSize())
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(trainer.completedSteps()).as("nothing was applied").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modalities")
    @DisplayName("a step frees what it allocates: the native arrays held after 5 steps are those held after 1")
    <I> void nothingLeaks(TrainerCase<I> c) {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = c.seed(store);
        try (ForwardingData2VecTrainer<I> trainer = c.open(store, base)) {
            trainer.step(c.batch(1));
            int afterFirst = trainer.liveArrays();
            for (int i = 0; i < 4; i++) {
                trainer.step(c.batch(2 + i));
            }
            trainer.heldOutLoss(c.inputs(4, 9));
            assertThat(trainer.liveArrays()).as("native arrays after 5 steps and a held-out loss vs after 1")
                    .isEqualTo(afterFirst);
        }
    }

    private static <J> void writeOneCheckpoint(TrainerCase<J> c, ModelStore store, Path checkpoints) {
        try (ForwardingData2VecTrainer<J> trainer = c.open(store, c.seed(store))) {
            trainer.step(c.batch(0));
            trainer.checkpoint(checkpoints, Map.of());
        }
    }

    private static void assertSameWeights(String what, TensorBundle actual, TensorBundle expected) {
        assertThat(actual.names()).as("%s tensor names", what).isEqualTo(expected.names());
        for (String name : expected.names()) {
            assertThat(actual.get(name).data()).as("%s %s", what, name).isEqualTo(expected.get(name).data());
        }
    }
}
