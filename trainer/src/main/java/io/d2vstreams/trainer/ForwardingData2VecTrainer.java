package io.d2vstreams.trainer;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.trainer.internal.Data2VecTrainingCore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Data2VecTrainer} that hands every call to the shared core, so that a modality's public
 * class holds only what is its own: how it is opened from the store, and its config.
 */
public abstract class ForwardingData2VecTrainer<I> implements Data2VecTrainer<I> {

    private final Data2VecTrainingCore<I, ?, ?> core;

    protected ForwardingData2VecTrainer(Data2VecTrainingCore<I, ?, ?> core) {
        this.core = core;
    }

    @Override
    public Modality modality() {
        return core.modality();
    }

    @Override
    public StepResult step(List<I> inputs) {
        return core.step(inputs);
    }

    @Override
    public Optional<String> rejectReason(I input) {
        return core.rejectReason(input);
    }

    @Override
    public double heldOutLoss(List<I> inputs) {
        return core.heldOutLoss(inputs);
    }

    @Override
    public double heldOutLoss(List<I> inputs, TensorBundle encoderWeights) {
        return core.heldOutLoss(inputs, encoderWeights);
    }

    @Override
    public ModelManifest exportTo(ModelStore store) {
        return core.exportTo(store);
    }

    @Override
    public double exportParity(ModelManifest version, List<I> probe) {
        return core.exportParity(version, probe);
    }

    @Override
    public CheckpointInfo checkpoint(Path root, Map<String, String> extra) {
        return core.checkpoint(root, extra);
    }

    @Override
    public Optional<CheckpointInfo> restoreLatest(Path root) {
        return core.restoreLatest(root);
    }

    @Override
    public long completedSteps() {
        return core.completedSteps();
    }

    @Override
    public TensorBundle studentWeights() {
        return core.studentWeights();
    }

    @Override
    public TensorBundle teacherWeights() {
        return core.teacherWeights();
    }

    @Override
    public TrainerConfig config() {
        return core.config();
    }

    @Override
    public String modelName() {
        return core.modelName();
    }

    /** Native arrays this trainer holds between steps; constant across steps when nothing leaks. */
    public int liveArrays() {
        return core.liveArrays();
    }

    @Override
    public void close() {
        core.close();
    }
}
