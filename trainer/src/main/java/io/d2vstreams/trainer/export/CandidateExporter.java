package io.d2vstreams.trainer.export;

import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.trainer.Data2VecTrainer;

/**
 * How a candidate comes to be: by default the trainer's {@link Data2VecTrainer#exportTo}. An
 * interface so that a test can hand the real gate a genuinely broken candidate.
 */
@FunctionalInterface
public interface CandidateExporter {
    ModelManifest export(Data2VecTrainer<?> trainer, ModelStore store);
}
