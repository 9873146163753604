package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.trainer.image.ImageData2VecTrainer;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ImageData2VecTrainer on the seeded tiny vision model")
class ImageData2VecTrainerTest {

    @TempDir
    Path dir;

    /**
     * The vision recipe learns: measured on this batch under fixed masks, the loss falls from 7.998
     * (what predicting zero gives for layer-normed 64-wide targets) to 7.85 in 15 steps, 6.34 in 60
     * and 5.40 in 100 (-33 %). Before the recipe (no absolute positions in the seeded default, lr
     * 1e-3) it fell to 7.83 in 15 steps and 7.30 in 100 (-9 %); the recipe's model at lr 1e-3
     * reaches 6.93 (-13 %), so the 20 % margin below fails without the recipe's learning rate.
     * Every masked patch is replaced by the mask token, so the student starts from nothing at a
     * masked position and must learn where it is and what its neighbours show; that takes tens
     * of steps, then the loss falls steadily. The fixed-mask comparison is deterministic.
     */
    @Test
    @DisplayName("the loss on a fixed batch falls by more than 20 % in 100 steps, every step is applied, and nothing leaks")
    void lossFalls() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyImages.seededStore(store.root());
        List<byte[]> batch = TinyImages.pngs(8, 1);
        try (ImageData2VecTrainer trainer = ImageData2VecTrainer.fromStore(store, base, TinyImages.testConfig().build())) {
            double before = trainer.heldOutLoss(batch);
            assertThat(before).as("loss before training: about what predicting zero gives").isCloseTo(8.0, Offset.offset(0.05));
            double[] losses = new double[100];
            int arraysAfterFirst = -1;
            for (int i = 0; i < losses.length; i++) {
                StepResult r = trainer.step(batch);
                assertThat(r.applied()).as("step %d applied (loss %s, grad norm %s)", i + 1, r.loss(), r.gradNorm()).isTrue();
                assertThat(r.step()).as("step count").isEqualTo(i + 1);
                assertThat(r.maskedTokens()).as("masked patches of 8 images, at most 10 each").isBetween(8, 80);
                losses[i] = r.loss();
                if (i == 0) {
                    arraysAfterFirst = trainer.liveArrays();
                }
            }
            double after = trainer.heldOutLoss(batch);
            assertThat(after).as("loss under fixed masks after 100 steps vs before (%s)", before).isLessThan(before * 0.8);
            assertThat(mean(losses, 90, 100)).as("mean batch loss of the last ten steps vs the first ten")
                    .isLessThan(mean(losses, 0, 10) * 0.9);
            assertThat(trainer.completedSteps()).isEqualTo(100);
            assertThat(trainer.liveArrays()).as("native arrays held after 100 steps vs after 1").isEqualTo(arraysAfterFirst);
        }
    }

    @Test
    @DisplayName("a step over bytes that are no image is refused, naming the image, and nothing is applied")
    void corruptImageRefused() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyImages.seededStore(store.root());
        try (ImageData2VecTrainer trainer = ImageData2VecTrainer.fromStore(store, base, TinyImages.testConfig().build())) {
            List<byte[]> corrupt = List.of(TinyImages.pngs(1, 1).get(0), new byte[] {1, 2, 3, 4});
            assertThatThrownBy(() -> trainer.step(corrupt)).as("bytes that are no image")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image 1");
            assertThat(trainer.completedSteps()).as("nothing was applied").isZero();
        }
    }

    @Test
    @DisplayName("rejectReason says why an image cannot be preprocessed (no image, truncated, too many pixels), and nothing for a good one")
    void rejectReason() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyImages.seededStore(store.root());
        try (ImageData2VecTrainer trainer = ImageData2VecTrainer.fromStore(store, base, TinyImages.testConfig().build())) {
            byte[] good = TinyImages.pngs(1, 3).get(0);
            assertThat(trainer.rejectReason(good)).as("a good PNG").isEmpty();
            assertThat(trainer.rejectReason(new byte[] {1, 2, 3, 4})).as("bytes that are no image").get().asString()
                    .isNotBlank();
            assertThat(trainer.rejectReason(java.util.Arrays.copyOf(good, 40))).as("a truncated PNG").get().asString()
                    .isNotBlank();
            assertThat(trainer.rejectReason(hugePngHeader())).as("a header declaring 10^10 pixels, refused before decoding")
                    .get().asString().contains("pixels");
        }
    }

    /** A PNG signature and IHDR chunk declaring 100000 x 100000 pixels, and nothing else. */
    private static byte[] hugePngHeader() {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(100_000).putInt(100_000).put(new byte[] {8, 2, 0, 0, 0});
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        return java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }

    private static double mean(double[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum / (to - from);
    }
}
