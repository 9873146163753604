package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.trainer.TrainerConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A modality's DJL encoder as {@link Data2VecTrainingCore} trains it: the three passes data2vec
 * needs, over parameters under their Hugging Face names. A {@link Data2VecModality} makes one
 * (usually a thin adapter over its model class, such as {@code TextData2VecModel}).
 *
 * <p>Native memory: the parameters belong to the encoder ({@link #close()} frees the ones it
 * owns, not those it shares); a pass creates its arrays in the manager it is given.
 *
 * @param <B> the modality's preprocessed batch
 * @param <M> the modality's mask of a batch
 */
public interface Data2VecEncoder<B, M> extends AutoCloseable {

    /**
     * What the teacher's pass yields for the targets.
     *
     * @param layers each layer's output of the configured kind, first layer first, each
     *     {@code [batch, time, hidden]}
     * @param validMask {@code [batch, time]} float, 1 on real positions, 0 on padding; null when
     *     every position is real (images). Only instance-normalised targets need it (§3.3, speech).
     */
    record LayerOutputs(List<NDArray> layers, NDArray validMask) {
        public LayerOutputs {
            layers = List.copyOf(layers);
        }
    }

    /** Every parameter by Hugging Face name, in graph order (live arrays: never close them). */
    Map<String, NDArray> parameters();

    /** Names of the parameters that are another encoder's arrays (see {@link #teacherCopy}). */
    Set<String> sharedNames();

    /**
     * The weights a model-store version holds, under their Hugging Face names, copied to the
     * heap: training-only parameters (a mask embedding) are left out.
     */
    TensorBundle toBundle();

    /**
     * The EMA teacher: parameters matched by {@code share} are this encoder's very arrays (data2vec
     * §3.2 shares the feature and positional encoders), the others copies in a new sub-manager of
     * {@code parent}; training-only parameters (a mask embedding) are left out, since the teacher
     * always sees the whole input.
     */
    Data2VecEncoder<B, M> teacherCopy(NDManager parent, Predicate<String> share);

    /** The student's pass: {@code last_hidden_state} {@code [batch, time, hidden]} of the masked input. */
    NDArray maskedLastHiddenState(NDManager scope, B batch, M mask, Dropout dropout);

    /** The teacher's pass: the whole input without dropout, each layer's output of the kind asked for. */
    LayerOutputs layerOutputs(NDManager scope, B batch, TrainerConfig.TargetLayer kind);

    /** The serving pass: {@code last_hidden_state} of the whole input without dropout, what ONNX parity compares. */
    NDArray lastHiddenState(NDManager scope, B batch);

    @Override
    void close();
}
