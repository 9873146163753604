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

    private static void assertSameWeights(String what, TensorBundle actual, TensorBundle expected) {
        assertThat(actual.names()).as("%s tensor names", what).isEqualTo(expected.names());
        for (String name : expected.names()) {
            assertThat(actual.get(name).data()).as("%s %s", what, name).isEqualTo(expected.get(name).data());
        }
    }
}
