package io.d2vstreams.trainer.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.trainer.CheckpointInfo;
import io.d2vstreams.trainer.TinyImages;
import io.d2vstreams.trainer.TinyText;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import io.d2vstreams.trainer.image.ImageData2VecTrainer;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ModalityCheckpoints: a folder per modality, and TEXT checkpoints of the earlier layout")
class ModalityCheckpointsTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("a TEXT checkpoint written straight into the root is restored when text/ has none, and text/ wins once it has one")
    void legacyTextCheckpoint() {
        ModelStore store = new ModelStore(dir.resolve("models"));
        ModelManifest base = TinyText.seededStore(store.root());
        Path root = dir.resolve("checkpoints");
        TrainerWorkerConfig config = TrainerWorkerConfig.from(Map.of(TrainerWorkerConfig.CHECKPOINT_DIR, root.toString()));
        ModalityCheckpoints text = new ModalityCheckpoints(config, Modality.TEXT);
        assertThat(text.folder()).as("TEXT's folder").isEqualTo(root.resolve("text"));
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            trainer.step(TinyText.sentences(8, 0));
            trainer.checkpoint(root, Map.of("written", "by an earlier version")); // the old layout
        }
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            assertThat(text.restoreNewest(trainer)).as("the root's checkpoint").map(CheckpointInfo::step).contains(1L);
            trainer.step(TinyText.sentences(8, 8));
            trainer.checkpoint(text.folder(), Map.of());
        }
        try (TextData2VecTrainer trainer = TextData2VecTrainer.fromStore(store, base, TinyText.testConfig().build())) {
            assertThat(text.restoreNewest(trainer)).as("text/'s own checkpoint").map(CheckpointInfo::step).contains(2L);
        }
        try (ImageData2VecTrainer trainer = ImageData2VecTrainer.fromStore(store, TinyImages.seededStore(store.root()),
                TinyImages.testConfig().build())) {
            assertThat(new ModalityCheckpoints(config, Modality.IMAGE).restoreNewest(trainer))
                    .as("IMAGE never looks at the root's TEXT checkpoints").isEmpty();
        }
    }
}
