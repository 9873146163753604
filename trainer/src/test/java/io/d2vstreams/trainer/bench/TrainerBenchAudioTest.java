package io.d2vstreams.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.trainer.TrainerConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("data2vec audio's recipe on the seeded tiny encoder (TrainerBench.runAudio)")
class TrainerBenchAudioTest {

    @TempDir
    Path dir;

    /**
     * The recipe as {@link TrainerConfig#audioBuilder()} has it (its own teacher feature encoder,
     * block-output targets, lr 5e-4 after 100 warm-up steps) at half the batch, clips cropped at
     * 1 s to keep the test short. With the
     * teacher sharing the student's feature encoder and feed-forward targets, the same held-out
     * loss fell for 50 steps and then rose above where it started.
     */
    @Test
    @DisplayName("the held-out loss of clips never trained on falls at every measurement over 60 steps")
    void heldOutLossFallsSteadily() {
        TrainerConfig config = TrainerConfig.audioBuilder().batchSize(8).maxAudioSeconds(1.0).build();
        TrainerBench.Result r = TrainerBench.runAudio(new TrainerBench.Options(60, 0, 20, 16, config), dir);

        List<TrainerBench.LossPoint> curve = r.heldOut();
        assertThat(curve).as("held-out loss at steps 0, 20, 40, 60").hasSize(4);
        for (int i = 1; i < curve.size(); i++) {
            assertThat(curve.get(i).heldOutLoss()).as("held-out loss at step %d vs step %d (curve %s)",
                    curve.get(i).step(), curve.get(i - 1).step(), curve)
                    .isLessThan(curve.get(i - 1).heldOutLoss());
        }
    }
}
