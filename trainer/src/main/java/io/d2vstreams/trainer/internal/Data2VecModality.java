package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What one modality plugs into {@link Data2VecTrainingCore}: how inputs become a batch, how a
 * batch is masked and where the loss counts, the student and teacher encoders, how targets are
 * normalised, and how the student is exported and checked against its ONNX graph. Everything
 * else (the step, the held-out loss, checkpoints, the optimizer, EMA and schedules) is the
 * core's and the same for every modality. See the core's class comment for how to add one.
 *
 * <p>Owned by the core that is given it, which closes it.
 *
 * @param <I> one input as the stream carries it ({@code String}, encoded {@code byte[]})
 * @param <B> a preprocessed batch (token ids, pixel values, waveforms)
 * @param <M> the mask of a batch
 */
public interface Data2VecModality<I, B, M> extends AutoCloseable {

    Modality modality();

    /** Width of the encoder's outputs: the regression head's size and the default loss scale's 1/√hidden. */
    int hiddenSize();

    /** The encoder's layer count, which caps top-K. */
    int numHiddenLayers();

    /** How each teacher layer is normalised before the average (§3.3: LAYER for text and images, INSTANCE for audio). */
    TargetBuilder.Norm targetNorm();

    /** The modality's own fields for the {@code trainer_started} log line, {@code key=value} separated by spaces. */
    String describe();

    /**
     * The student over the starting weights, owned by a new sub-manager of {@code parent}, with
     * any training-only parameter (a mask embedding) it needs.
     *
     * @throws IllegalArgumentException when the weights do not fit the architecture
     */
    Data2VecEncoder<B, M> student(NDManager parent, TensorBundle weights);

    /**
     * An encoder over other weights (an earlier version's) to stand in for {@code student} in a
     * held-out measurement: training-only parameters that versions do not carry (a mask
     * embedding) are borrowed from the student, so only the encoder differs.
     *
     * @throws IllegalArgumentException when the weights do not fit the architecture
     */
    Data2VecEncoder<B, M> standIn(NDManager parent, TensorBundle weights, Data2VecEncoder<B, M> student);

    /**
     * Whether the teacher takes this parameter from the student instead of an EMA of it, when
     * {@code teacherSharesEmbeddings} is on (data2vec §3.2: the feature and positional encoders).
     */
    boolean sharedWithTeacher(String parameterName);

    /** Trainable parameters of rank above 1 that weight decay leaves alone too (tokens, position tables). */
    default Set<String> noWeightDecay(Set<String> trainable) {
        return Set.of();
    }

    /**
     * Preprocesses inputs exactly as the serving side does. A modality either refuses the whole
     * batch when one input cannot be preprocessed, or leaves such inputs out and says how many in
     * {@link #skippedInputs} (audio: one corrupt clip of a sampled stream must not cost the step);
     * when it leaves every input out, the batch masks nothing and the step is skipped.
     *
     * @throws IllegalArgumentException naming the input that cannot be preprocessed and why
     */
    B batch(List<I> inputs);

    /**
     * Why this input cannot be preprocessed ({@link #batch} would leave it out, or refuse its
     * batch), empty when it can; the worker sets such inputs aside on arrival. Empty for a
     * modality whose every input preprocesses (text).
     */
    default java.util.Optional<String> rejectReason(I input) {
        return java.util.Optional.empty();
    }

    /** Inputs {@link #batch} left out because they could not be preprocessed; 0 for a modality that refuses instead. */
    default int skippedInputs(B batch) {
        return 0;
    }

    /** The batch's mask, drawn from {@code random} only, so (seed, step) gives the same mask on every run. */
    M mask(B batch, SplittableRandom random);

    /** Positions the loss covers; 0 means the step has nothing to learn from. */
    int maskedCount(M mask);

    /** {@code [batch, time]} float, 1 where the loss counts, on the time axis of the encoder's outputs. */
    NDArray lossPositions(NDManager scope, B batch, M mask);

    /** {@code last_hidden_state} of a version's {@code model.onnx} on ONNX Runtime for the batch, row-major. */
    float[] onnxLastHiddenState(byte[] onnxModel, B batch);

    /** Adds the encoder's weights to the store as the next version of this modality, with the input files trained with. */
    ModelManifest export(ModelStore store, String modelName, TensorBundle encoderWeights);

    /** What a checkpoint must have been trained with to be restored here. */
    TrainingCheckpoint.Architecture architecture();

    /** Frees what the modality holds outside the encoders (a tokenizer); nothing by default. */
    @Override
    default void close() {}
}
