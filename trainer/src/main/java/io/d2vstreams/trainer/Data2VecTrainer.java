package io.d2vstreams.trainer;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.trainer.audio.AudioData2VecTrainer;
import io.d2vstreams.trainer.image.ImageData2VecTrainer;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Continual data2vec training of one encoder (Baevski et al. 2022), whatever its modality: a
 * student encodes masked inputs, an EMA teacher encodes them whole, and a regression head on the
 * student predicts, at the masked positions, the average of the teacher's normalised top-K layer
 * outputs. A library API with no Kafka in it: a consumer loop feeds {@link #step} with batches,
 * {@link #checkpoint} makes the run resumable (its {@code extra} map carries the consumer
 * offsets), and {@link #exportTo} publishes the student as a new model-store version that a
 * quality gate judges with {@link #exportParity} and {@link #heldOutLoss(List, TensorBundle)}.
 *
 * <p>{@link TextData2VecTrainer} trains TEXT on strings, {@link ImageData2VecTrainer} IMAGE on
 * encoded images ({@code byte[]}: JPEG, PNG ...), {@link AudioData2VecTrainer} AUDIO on encoded
 * clips ({@code byte[]}: WAV); all are the same shared core with a different modality plugged in
 * (see {@code internal.Data2VecTrainingCore}).
 *
 * <p>Not thread-safe: one thread at a time drives a trainer (not always the same one). Every
 * native array a step creates is freed before the step returns; {@link #close()} frees the models.
 *
 * @param <I> one input as the sample stream carries it: a {@code String} for TEXT, the encoded
 *     media as {@code byte[]} for IMAGE and AUDIO
 */
public interface Data2VecTrainer<I> extends AutoCloseable {

    /** The modality this trainer trains; its exports are versions of that modality. */
    Modality modality();

    /**
     * One data2vec update on a batch: preprocess, mask, teacher targets, student loss at the
     * masked positions, backward, clip, AdamW, then the teacher's EMA update with this step's τ.
     *
     * @param inputs between 1 and {@code batchSize} inputs
     * @throws IllegalArgumentException when the batch is empty or too large, or (TEXT, IMAGE) an
     *     input cannot be preprocessed (naming it and the reason); AUDIO leaves such a clip out
     *     instead and counts it in {@link StepResult#skippedInputs()}
     */
    StepResult step(List<I> inputs);

    /**
     * Why this input cannot be preprocessed, if it cannot: {@link #step} would leave it out
     * (AUDIO: a corrupt clip) or refuse its batch (IMAGE: a corrupt image, a header declaring too
     * many pixels); empty when it is usable, and always for TEXT. Lets the worker set such an
     * input aside on arrival instead of holding it out or replaying it.
     */
    default Optional<String> rejectReason(I input) {
        return Optional.empty();
    }

    /**
     * The data2vec loss of the current student (no dropout) against the current teacher's targets
     * on held-out inputs, masked with a fixed seed so that every call, and every model, sees the
     * same masks; nothing is updated. The mean over all masked positions, NaN when none could be
     * masked.
     */
    double heldOutLoss(List<I> inputs);

    /**
     * The same measurement as {@link #heldOutLoss(List)} with another encoder's weights in the
     * student's place (an earlier version of this model, say): the same teacher targets, the same
     * masks and this trainer's regression head, so the two numbers differ only by the encoder.
     *
     * @throws IllegalArgumentException when the weights do not fit this trainer's architecture
     */
    double heldOutLoss(List<I> inputs, TensorBundle encoderWeights);

    /**
     * Publishes the student encoder (not the teacher, not the regression head) as the next
     * version of the store, with the input files it was trained with (tokenizer, preprocessing).
     */
    ModelManifest exportTo(ModelStore store);

    /**
     * The largest absolute difference between the student's {@code last_hidden_state} on DJL and
     * the version's {@code model.onnx} on ONNX Runtime for the probe inputs (whole, unmasked):
     * ≈ 1e-6 when the version holds this student's weights, which is what a quality gate checks.
     */
    double exportParity(ModelManifest version, List<I> probe);

    /**
     * Writes student, teacher, regression head, optimizer moments and the step count under
     * {@code root} atomically (see {@link #restoreLatest}), keeping the newest
     * {@code checkpointsKept}.
     *
     * @param extra stored with the checkpoint and handed back on restore (consumer offsets)
     */
    CheckpointInfo checkpoint(Path root, Map<String, String> extra);

    /**
     * Continues from the newest usable checkpoint under {@code root}: weights, teacher, head,
     * optimizer moments and step count. An unreadable or damaged newest checkpoint is skipped
     * (with a WARN) for the one before it.
     *
     * @return the checkpoint restored, empty when {@code root} holds none
     * @throws IllegalStateException when checkpoints exist but none fits this trainer (another
     *     modality, architecture, tokenizer or preprocessing, say), rather than silently starting over
     */
    Optional<CheckpointInfo> restoreLatest(Path root);

    /** Updates applied so far (restored ones included). */
    long completedSteps();

    /** The student encoder's current exported weights under their Hugging Face names. */
    TensorBundle studentWeights();

    /** The teacher encoder's current weights under their Hugging Face names (shared ones included). */
    TensorBundle teacherWeights();

    TrainerConfig config();

    /** The model name exports keep (the starting version's). */
    String modelName();

    /** Frees the models and whatever the modality holds (a tokenizer); idempotent. */
    @Override
    void close();
}
