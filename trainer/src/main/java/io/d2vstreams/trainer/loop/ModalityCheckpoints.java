package io.d2vstreams.trainer.loop;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.trainer.CheckpointInfo;
import io.d2vstreams.trainer.Data2VecTrainer;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one modality's loop keeps its checkpoints, {@code <trainer.checkpoint.dir>/<modality>},
 * and which one it resumes from. Before there were several modalities, the TEXT trainer wrote its
 * checkpoints straight into {@code trainer.checkpoint.dir}; when the TEXT folder has none, the
 * newest of those is restored (with a WARN) and the next checkpoint goes to the TEXT folder, so
 * an upgrade with an old setting loses no training.
 */
final class ModalityCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(ModalityCheckpoints.class);

    private final Modality modality;
    private final Path root;
    private final Path folder;

    ModalityCheckpoints(TrainerWorkerConfig config, Modality modality) {
        this.modality = Objects.requireNonNull(modality, "modality");
        this.root = config.checkpointDir();
        this.folder = config.checkpointDir(modality);
    }

    /** The folder checkpoints are written to. */
    Path folder() {
        return folder;
    }

    /**
     * Restores the newest usable checkpoint of this modality into {@code trainer}.
     *
     * @return the checkpoint restored, empty when there is none
     * @throws IllegalStateException when checkpoints exist but none fits the trainer
     */
    Optional<CheckpointInfo> restoreNewest(Data2VecTrainer<?> trainer) {
        Optional<CheckpointInfo> restored = trainer.restoreLatest(folder);
        if (restored.isEmpty() && modality == Modality.TEXT) {
            restored = trainer.restoreLatest(root);
            restored.ifPresent(r -> LOG.warn("event=checkpoint_legacy_layout modality={} restored={} next_in={}"
                    + " reason=\"checkpoints now live in a folder per modality; the old ones can be deleted\"", modality,
                    r.directory(), folder));
        }
        return restored;
    }
}
