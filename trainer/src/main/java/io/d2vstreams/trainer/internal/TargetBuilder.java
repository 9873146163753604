package io.d2vstreams.trainer.internal;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Objects;

/**
 * data2vec's training targets (Baevski et al. 2022, §3.3): the average of the teacher's top K
 * layer outputs, each normalised first so that no single layer dominates and the targets do not
 * collapse to a constant. Text and images use a parameter-free layer norm over the channels of
 * each position ({@code F.layer_norm(tl, tl.shape[-1:])}, fairseq {@code layer_norm_target_layer});
 * speech uses instance norm over time per channel ({@code F.instance_norm}). Both use PyTorch's
 * default ε = 1e-5 and the biased variance.
 */
public final class TargetBuilder {

    /** How each layer output is normalised before averaging. */
    public enum Norm {
        /** Over the hidden channels of each position (text, vision). */
        LAYER,
        /** Over the valid time steps of each channel (speech); padding is left out of the statistics. */
        INSTANCE
    }

    static final float EPS = 1e-5f;

    private TargetBuilder() {}

    /**
     * @param layerOutputs every layer's output, first layer first, each {@code [batch, time, hidden]}
     * @param topK how many of the last layers to average; more than there are means all
     * @param validMask {@code [batch, time]} float, 1 on real positions; used by INSTANCE only
     * @return {@code [batch, time, hidden]}
     */
    public static NDArray build(List<NDArray> layerOutputs, int topK, Norm norm, NDArray validMask) {
        Objects.requireNonNull(norm, "norm");
        if (layerOutputs.isEmpty() || topK < 1) {
            throw new IllegalArgumentException("targets need at least one layer output and topK >= 1, got "
                    + layerOutputs.size() + " outputs and topK " + topK);
        }
        int k = Math.min(topK, layerOutputs.size());
        NDArray sum = null;
        for (NDArray layer : layerOutputs.subList(layerOutputs.size() - k, layerOutputs.size())) {
            NDArray normed = norm == Norm.LAYER ? layerNorm(layer) : instanceNorm(layer, validMask);
            sum = sum == null ? normed : sum.add(normed);
        }
        return sum.div(k);
    }

    static NDArray layerNorm(NDArray x) {
        NDArray centred = x.sub(x.mean(new int[] {-1}, true));
        NDArray variance = centred.square().mean(new int[] {-1}, true);
        return centred.div(variance.add(EPS).sqrt());
    }

    static NDArray instanceNorm(NDArray x, NDArray validMask) {
        Objects.requireNonNull(validMask, "instance norm needs the valid-position mask");
        NDArray m = validMask.expandDims(-1);
        NDArray count = m.sum(new int[] {1}, true);
        NDArray centred = x.sub(x.mul(m).sum(new int[] {1}, true).div(count));
        NDArray variance = centred.square().mul(m).sum(new int[] {1}, true).div(count);
        return centred.div(variance.add(EPS).sqrt());
    }
}
