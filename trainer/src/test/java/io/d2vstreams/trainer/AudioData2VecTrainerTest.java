package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.Encoder;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.trainer.audio.AudioData2VecTrainer;
import io.d2vstreams.trainer.image.ImageData2VecTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("AudioData2VecTrainer on the seeded tiny audio model")
class AudioData2VecTrainerTest {

    private static final int STEPS = 20;

    @TempDir
    Path dir;

    @Test
    @DisplayName("the loss on a fixed batch of clips falls over 20 steps, every step is applied, and nothing leaks")
    void lossFalls() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        List<byte[]> batch = TinyAudio.wavs(4, 3);
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, TinyAudio.testConfig().build())) {
            double before = trainer.heldOutLoss(batch);
            double[] losses = new double[STEPS];
            int arraysAfterFirst = -1;
            for (int i = 0; i < STEPS; i++) {
                StepResult r = trainer.step(batch);
                assertThat(r.applied()).as("step %d applied (loss %s, grad norm %s)", i + 1, r.loss(), r.gradNorm()).isTrue();
                assertThat(r.step()).as("step count").isEqualTo(i + 1);
                assertThat(r.skippedInputs()).as("clips left out").isZero();
                // 4 clips of 0.5-1 s: 24-49 frames each, about half masked.
                assertThat(r.maskedTokens()).as("masked frames of 4 clips").isBetween(4, 4 * 49);
                losses[i] = r.loss();
                if (i == 0) {
                    arraysAfterFirst = trainer.liveArrays();
                }
            }
            double after = trainer.heldOutLoss(batch);
            // Block-output targets (the recipe's) fall 8.01 -> 7.60 here; a moving target of
            // feed-forward outputs fell faster on this one batch but rose on held-out clips.
            assertThat(after).as("loss under fixed masks after %d steps vs before (%s)", STEPS, before)
                    .isLessThan(before * 0.97);
            assertThat(mean(losses, STEPS - 5, STEPS)).as("mean batch loss of the last five steps vs the first five")
                    .isLessThan(mean(losses, 0, 5));
            assertThat(trainer.completedSteps()).isEqualTo(STEPS);
            assertThat(trainer.liveArrays()).as("native arrays held after %d steps vs after 1", STEPS)
                    .isEqualTo(arraysAfterFirst);
        }
    }

    @Test
    @DisplayName("the exported ONNX model computes what the training model computes, before and after training (<= 1e-4)")
    void exportParity() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        List<byte[]> probe = TinyAudio.wavs(3, 99);
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, TinyAudio.testConfig().build())) {
            assertThat(trainer.exportParity(base, probe)).as("max |DJL - ONNX| on the seeded default").isLessThanOrEqualTo(1e-4);
            for (int i = 0; i < 5; i++) {
                trainer.step(TinyAudio.wavs(4, 10 + i));
            }
            ModelManifest exported = trainer.exportTo(store);
            assertThat(exported.version()).as("a new version").isEqualTo(base.version() + 1);
            assertThat(exported.name()).as("the base's name").isEqualTo(base.name());
            assertThat(exported.sha256ByFile()).as("exported with its preprocessing").containsKey(ModelStore.PREPROCESSOR_FILE);
            assertThat(trainer.exportParity(exported, probe)).as("max |DJL - ONNX| after 5 steps").isLessThanOrEqualTo(1e-4);
            assertThat(trainer.exportParity(base, probe)).as("the untrained base differs from the trained student")
                    .isGreaterThan(1e-3);
        }
    }

    @Test
    @DisplayName("an exported version is served by ModelStore.load with the new weights: its vectors differ from v1's")
    void exportServes() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        ModelManifest exported;
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, TinyAudio.testConfig().build())) {
            for (int i = 0; i < 5; i++) {
                trainer.step(TinyAudio.wavs(4, 20 + i));
            }
            exported = trainer.exportTo(store);
        }
        List<byte[]> clips = TinyAudio.wavs(3, 5);
        try (Encoder<byte[]> v1 = store.load(AudioSpec.INSTANCE, base, EncoderOptions.defaults());
                Encoder<byte[]> v2 = store.load(AudioSpec.INSTANCE, exported, EncoderOptions.defaults())) {
            float[][] old = v1.embed(clips);
            float[][] fresh = v2.embed(clips);
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

    @Test
    @DisplayName("the held-out loss is repeatable, and another version's weights borrow the student's masked_spec_embed")
    void heldOutLoss() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        List<byte[]> heldOut = TinyAudio.wavs(6, 77);
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, TinyAudio.testConfig().build())) {
            for (int i = 0; i < 3; i++) {
                trainer.step(TinyAudio.wavs(4, 30 + i));
            }
            double loss = trainer.heldOutLoss(heldOut);
            assertThat(loss).as("held-out loss").isFinite().isPositive();
            assertThat(trainer.heldOutLoss(heldOut)).as("measured again").isEqualTo(loss);
            assertThat(trainer.heldOutLoss(heldOut, trainer.studentWeights()))
                    .as("the student's exported weights (no masked_spec_embed) as another encoder")
                    .isCloseTo(loss, Offset.offset(1e-5));
            assertThat(trainer.heldOutLoss(heldOut, store.readWeights(base))).as("the untrained base's loss")
                    .isNotCloseTo(loss, Offset.offset(1e-5));
        }
    }

    @Test
    @DisplayName("checkpoint, then a new trainer restores the step count, identical weights and mask embedding, and the same next step")
    void checkpointRestore() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        Path checkpoints = dir.resolve("checkpoints");
        TrainerConfig config = TinyAudio.testConfig().build();
        TensorBundle student;
        TensorBundle teacher;
        double heldOut;
        StepResult next;
        List<byte[]> probe = TinyAudio.wavs(4, 60);
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, config)) {
            for (int i = 0; i < 3; i++) {
                trainer.step(TinyAudio.wavs(4, 50 + i));
            }
            CheckpointInfo info = trainer.checkpoint(checkpoints, Map.of("offset.d2v.training.samples.0", "12"));
            assertThat(info.step()).isEqualTo(3);
            student = trainer.studentWeights();
            teacher = trainer.teacherWeights();
            // The held-out loss goes through masked_spec_embed, so it tells whether it was restored.
            heldOut = trainer.heldOutLoss(probe);
            next = trainer.step(TinyAudio.wavs(4, 100));
        }
        try (AudioData2VecTrainer resumed = AudioData2VecTrainer.fromStore(store, base, config)) {
            Optional<CheckpointInfo> restored = resumed.restoreLatest(checkpoints);
            assertThat(restored).as("a checkpoint restored").isPresent();
            assertThat(restored.get().step()).as("its step").isEqualTo(3);
            assertThat(restored.get().extra()).as("its extra").containsEntry("offset.d2v.training.samples.0", "12");
            assertThat(resumed.completedSteps()).as("step count").isEqualTo(3);
            assertSameWeights("student", resumed.studentWeights(), student);
            assertSameWeights("teacher", resumed.teacherWeights(), teacher);
            assertThat(resumed.heldOutLoss(probe)).as("held-out loss (mask embedding, head)").isCloseTo(heldOut,
                    Offset.offset(1e-6));
            StepResult again = resumed.step(TinyAudio.wavs(4, 100));
            assertThat(again.step()).isEqualTo(next.step());
            assertThat(again.loss()).as("the resumed run's next loss").isCloseTo(next.loss(), Offset.offset(1e-5));
        }
    }

    @Test
    @DisplayName("an image trainer's checkpoints do not fit an audio trainer: restoring fails instead of starting over")
    void imageCheckpointRefused() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest audio = TinyAudio.seededStore(store.root());
        ModelManifest image = TinyImages.seededStore(store.root());
        Path checkpoints = dir.resolve("checkpoints");
        try (ImageData2VecTrainer trainer = ImageData2VecTrainer.fromStore(store, image, TinyImages.testConfig().build())) {
            trainer.step(TinyImages.pngs(8, 0));
            trainer.checkpoint(checkpoints, Map.of());
        }
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, audio, TinyAudio.testConfig().build())) {
            assertThatThrownBy(() -> trainer.restoreLatest(checkpoints)).as("an image checkpoint")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("audio_config");
            assertThat(trainer.completedSteps()).as("nothing restored").isZero();
        }
    }

    @Test
    @DisplayName("a corrupt clip is left out of its step and counted; a batch of only corrupt clips skips the step; rejectReason says why")
    void corruptClipsSkipped() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        byte[] truncated = java.util.Arrays.copyOf(TinyAudio.wavs(1, 4).get(0), 30); // a WAV header cut short
        byte[] noAudio = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] tooShort = TinyAudio.wav(0.01, new SplittableRandom(1)); // 160 samples, under the receptive field
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, TinyAudio.testConfig().build())) {
            List<byte[]> mixed = new ArrayList<>(TinyAudio.wavs(2, 5));
            mixed.add(1, truncated);
            mixed.add(noAudio);
            StepResult r = trainer.step(mixed);
            assertThat(r.applied()).as("the step over the two good clips is applied").isTrue();
            assertThat(r.skippedInputs()).as("clips left out").isEqualTo(2);
            assertThat(r.step()).isEqualTo(1);

            StepResult none = trainer.step(List.of(noAudio, truncated, tooShort));
            assertThat(none.applied()).as("a step with no usable clip").isFalse();
            assertThat(none.skippedInputs()).as("clips left out").isEqualTo(3);
            assertThat(none.maskedTokens()).isZero();
            assertThat(trainer.completedSteps()).as("only the first step counts").isEqualTo(1);
            assertThat(trainer.heldOutLoss(List.of(noAudio, TinyAudio.wavs(1, 6).get(0)))).as("held out past a bad clip")
                    .isFinite();
            assertThat(trainer.rejectReason(noAudio)).as("why a worker would set it aside").get().asString()
                    .contains("RIFF/WAVE");
            assertThat(trainer.rejectReason(tooShort)).as("shorter than the receptive field").get().asString()
                    .contains("minimum is 400 samples");
            assertThat(trainer.rejectReason(TinyAudio.wavs(1, 7).get(0))).as("a good clip").isEmpty();
        }
    }

    @Test
    @DisplayName("the gate judges an AUDIO candidate on the held-out clips the served encoder accepts, past a corrupt one")
    void gateSkipsCorruptHeldOut() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        List<byte[]> heldOut = new ArrayList<>(TinyAudio.wavs(6, 70));
        heldOut.add(0, new byte[] {1, 2, 3, 4}); // first, so it would be in the parity probe too
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, TinyAudio.testConfig().build())) {
            for (int i = 0; i < 3; i++) {
                trainer.step(TinyAudio.wavs(4, 80 + i));
            }
            ModelManifest candidate = trainer.exportTo(store);
            io.d2vstreams.trainer.gate.GateDecision decision = new io.d2vstreams.trainer.gate.QualityGate(
                    io.d2vstreams.trainer.gate.GateThresholds.defaults())
                    .evaluate(TrainingModality.AUDIO, trainer, store, candidate, Optional.of(base), heldOut);
            assertThat(decision.checks()).as("every check measured (%s)", decision.reason())
                    .allSatisfy(c -> assertThat(c.reason()).doesNotContain("does not serve").doesNotContain("could not"));
            assertThat(decision.metrics().get(io.d2vstreams.trainer.gate.ParityCheck.METRIC)).as("parity")
                    .isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    @DisplayName("a clip longer than trainer.audio.max.seconds is cropped to its start, not refused")
    void longClipCropped() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        byte[] threeSeconds = TinyAudio.wav(3.0, new SplittableRandom(8));
        TrainerConfig config = TinyAudio.testConfig().maxAudioSeconds(1.0).build();
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, config)) {
            StepResult r = trainer.step(List.of(threeSeconds));
            assertThat(r.applied()).as("applied").isTrue();
            assertThat(r.skippedInputs()).as("nothing left out").isZero();
            // 1 s at 16 kHz is 49 frames; 3 s would be 149.
            assertThat(r.maskedTokens()).as("masked frames of the cropped clip").isBetween(1, 49);
        }
    }

    @Test
    @DisplayName("bad use is refused with a reason: an IMAGE version, an empty or oversized batch")
    void refusals() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyAudio.seededStore(store.root());
        ModelManifest image = TinyImages.seededStore(store.root());
        assertThatThrownBy(() -> AudioData2VecTrainer.fromStore(store, image, TinyAudio.testConfig().build()))
                .as("an IMAGE version").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an AUDIO");
        try (AudioData2VecTrainer trainer = AudioData2VecTrainer.fromStore(store, base, TinyAudio.testConfig().build())) {
            assertThatThrownBy(() -> trainer.step(List.of())).as("empty batch").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> trainer.step(TinyAudio.wavs(5, 1))).as("5 clips, batch size 4")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(trainer.completedSteps()).as("nothing was applied").isZero();
        }
    }

    private static void assertSameWeights(String what, TensorBundle actual, TensorBundle expected) {
        assertThat(actual.names()).as("%s tensor names", what).isEqualTo(expected.names());
        for (String name : expected.names()) {
            assertThat(actual.get(name).data()).as("%s %s", what, name).isEqualTo(expected.get(name).data());
        }
    }

    private static double mean(double[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum / (to - from);
    }
}
