package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.trainer.internal.TrainingCheckpoint;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TextData2VecTrainer on the seeded tiny text model")
class TextData2VecTrainerTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("the loss on a fixed batch falls over 15 steps, and every step is applied")
    void lossFalls() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        List<String> batch = TinyText.sentences(8, 0);
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            double first = Double.NaN;
            double last = Double.NaN;
            for (int i = 0; i < 15; i++) {
                StepResult r = trainer.step(batch);
                assertThat(r.applied()).as("step %d applied (loss %s, grad norm %s)", i + 1, r.loss(), r.gradNorm()).isTrue();
                assertThat(r.step()).as("step count").isEqualTo(i + 1);
                if (i == 0) {
                    first = r.loss();
                }
                last = r.loss();
            }
            assertThat(last).as("loss after 15 steps vs the first (%s)", first).isLessThan(first * 0.7);
            assertThat(trainer.completedSteps()).isEqualTo(15);
        }
    }

    @Test
    @DisplayName("after training, the exported ONNX model computes what the training model computes (max abs diff <= 1e-4)")
    void exportParity() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            for (int i = 0; i < 5; i++) {
                trainer.step(TinyText.sentences(8, i * 8));
            }
            ModelManifest exported = trainer.exportTo(store);
            assertThat(exported.version()).as("a new version").isEqualTo(base.version() + 1);
            List<String> probe = List.of("a probe nobody trained on", "", "Grüße, 東京 🙂 and a longer text to pad the batch");
            double diff = trainer.exportParity(exported, probe);
            assertThat(diff).as("max |DJL - ONNX| on the probe").isLessThanOrEqualTo(1e-4);
            assertThat(trainer.exportParity(base, probe)).as("the untrained base differs from the trained student")
                    .isGreaterThan(1e-3);
        }
    }

    @Test
    @DisplayName("checkpoint, then a new trainer restores the same step count, identical weights and the same next step")
    void checkpointRestore() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        Path checkpoints = dir.resolve("checkpoints");
        TrainerConfig config = TinyText.testConfig().build();
        TensorBundle student;
        TensorBundle teacher;
        StepResult next;
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, config)) {
            for (int i = 0; i < 4; i++) {
                trainer.step(TinyText.sentences(8, i * 8));
            }
            CheckpointInfo info = trainer.checkpoint(checkpoints, Map.of("offset.d2v.training.samples.0", "32"));
            assertThat(info.step()).isEqualTo(4);
            student = trainer.studentWeights();
            teacher = trainer.teacherWeights();
            next = trainer.step(TinyText.sentences(8, 100));
        }
        try (TextData2VecTrainer resumed = TextData2VecTrainer.fromStore(store, base, config)) {
            Optional<CheckpointInfo> restored = resumed.restoreLatest(checkpoints);
            assertThat(restored).as("a checkpoint restored").isPresent();
            assertThat(restored.get().step()).as("its step").isEqualTo(4);
            assertThat(restored.get().extra()).as("its extra").containsEntry("offset.d2v.training.samples.0", "32");
            assertThat(resumed.completedSteps()).as("step count").isEqualTo(4);
            assertSameWeights("student", resumed.studentWeights(), student);
            assertSameWeights("teacher", resumed.teacherWeights(), teacher);
            StepResult again = resumed.step(TinyText.sentences(8, 100));
            assertThat(again.step()).isEqualTo(next.step());
            // Masks and dropout come from (seed, step), head and moments from the checkpoint.
            assertThat(again.loss()).as("the resumed run's next loss").isCloseTo(next.loss(),
                    org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    @DisplayName("a damaged newest checkpoint is skipped for the one before it")
    void damagedNewestFallsBack() throws IOException {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        Path checkpoints = dir.resolve("checkpoints");
        TrainerConfig config = TinyText.testConfig().build();
        TensorBundle atStep2;
        CheckpointInfo newest;
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, config)) {
            trainer.step(TinyText.sentences(8, 0));
            trainer.step(TinyText.sentences(8, 8));
            trainer.checkpoint(checkpoints, Map.of("at", "2"));
            atStep2 = trainer.studentWeights();
            trainer.step(TinyText.sentences(8, 16));
            newest = trainer.checkpoint(checkpoints, Map.of("at", "3"));
        }
        Path student = newest.directory().resolve("student.tensors");
        byte[] bytes = Files.readAllBytes(student);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(student, bytes);

        try (TextData2VecTrainer resumed = TextData2VecTrainer.fromStore(store, base, config)) {
            CheckpointInfo restored = resumed.restoreLatest(checkpoints).orElseThrow();
            assertThat(restored.step()).as("fell back to step 2").isEqualTo(2);
            assertThat(restored.extra()).as("with step 2's extra").containsEntry("at", "2");
            assertThat(resumed.completedSteps()).isEqualTo(2);
            assertSameWeights("student", resumed.studentWeights(), atStep2);
        }
        // A checkpoint.json cut short is damage too.
        Files.write(newest.directory().resolve(TrainingCheckpoint.STATE_FILE), new byte[] {'{'});
        try (TextData2VecTrainer resumed = TextData2VecTrainer.fromStore(store, base, config)) {
            assertThat(resumed.restoreLatest(checkpoints).orElseThrow().step()).as("truncated state file").isEqualTo(2);
        }
    }

    @Test
    @DisplayName("a trainer made on one thread trains, restores and evaluates on another (libtorch's grad mode is per thread)")
    void otherThread() throws Exception {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        Path checkpoints = dir.resolve("checkpoints");
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            trainer.step(TinyText.sentences(8, 0));
            trainer.checkpoint(checkpoints, Map.of());
            java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                StepResult r = other.submit(() -> trainer.step(TinyText.sentences(8, 8))).get();
                assertThat(r.applied()).as("step on another thread applied").isTrue();
                assertThat(other.submit(() -> trainer.restoreLatest(checkpoints)).get()).as("restored on another thread")
                        .map(CheckpointInfo::step).contains(1L);
                assertThat(other.submit(() -> trainer.heldOutLoss(TinyText.sentences(8, 50))).get())
                        .as("held-out loss on another thread").isFinite();
            } finally {
                other.shutdownNow();
            }
        }
    }

    private static void assertSameWeights(String what, TensorBundle actual, TensorBundle expected) {
        assertThat(actual.names()).as("%s tensor names", what).isEqualTo(expected.names());
        for (String name : expected.names()) {
            assertThat(actual.get(name).data()).as("%s %s", what, name).isEqualTo(expected.get(name).data());
        }
    }
}
