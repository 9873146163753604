package io.d2vstreams.runtime.bench;

import io.d2vstreams.runtime.audio.AudioEncoderConfig;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.text.TextEncoderConfig;

/**
 * Analytic FLOP count of an encoder-only transformer's forward pass, the usual accounting of
 * Kaplan et al. 2020 ("Scaling Laws for Neural Language Models", §2.1) without the embedding
 * and non-matmul terms:
 *
 * <pre>
 *   per layer, per token:    2 · (4·H² + 2·H·F)   Q, K, V, output projections and the two
 *                                                  feed-forward matmuls; 2 FLOPs per multiply-add
 *   per layer, per sequence: 4 · T² · H           Q·Kᵀ and softmax·V, each T×T×H multiply-adds
 *                                                  summed over heads (H = heads × head size)
 *   a run of B sequences padded to T tokens: L · B · (T · 2·(4H² + 2HF) + 4·T²·H)
 * </pre>
 *
 * LayerNorm, softmax, GELU, biases and residuals are O(T·H) per layer and left out (under 1 %
 * of the total at H ≥ 64). The count is of what the hardware executes, padding included:
 * padding's share of it is reported separately as padding efficiency. The front ends of the
 * image and audio models (patch embedding, feature encoder) are counted by their workloads.
 *
 * @param layers L
 * @param hidden H
 * @param intermediate F, the feed-forward width
 */
record TransformerFlops(int layers, int hidden, int intermediate) {

    static TransformerFlops of(TextEncoderConfig c) {
        return new TransformerFlops(c.numHiddenLayers(), c.hiddenSize(), c.intermediateSize());
    }

    static TransformerFlops of(ImageEncoderConfig c) {
        return new TransformerFlops(c.numHiddenLayers(), c.hiddenSize(), c.intermediateSize());
    }

    static TransformerFlops of(AudioEncoderConfig c) {
        return new TransformerFlops(c.numHiddenLayers(), c.hiddenSize(), c.intermediateSize());
    }

    /** FLOPs of one model run over {@code rows} sequences padded to {@code tokens} positions. */
    double forward(int rows, int tokens) {
        double h = hidden;
        double perToken = 2.0 * (4.0 * h * h + 2.0 * h * intermediate);
        double perSequenceAttention = 4.0 * (double) tokens * tokens * h;
        return (double) layers * rows * (tokens * perToken + perSequenceAttention);
    }
}
