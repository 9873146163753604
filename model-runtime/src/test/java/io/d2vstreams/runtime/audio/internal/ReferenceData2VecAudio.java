package io.d2vstreams.runtime.audio.internal;

import static io.d2vstreams.runtime.internal.ReferenceMath.add;
import static io.d2vstreams.runtime.internal.ReferenceMath.attention;
import static io.d2vstreams.runtime.internal.ReferenceMath.gelu;
import static io.d2vstreams.runtime.internal.ReferenceMath.layerNorm;
import static io.d2vstreams.runtime.internal.ReferenceMath.layerNormNoAffine;
import static io.d2vstreams.runtime.internal.ReferenceMath.linear;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.audio.AudioEncoderConfig;

/**
 * A deliberately naive, double-precision forward pass of Hugging Face's Data2VecAudioModel for
 * one unpadded clip, written from the model description (unpadded strided Conv1d feature
 * encoder with channel LayerNorm, feature projection, grouped "same"-padded positional
 * convolutions with parameter-free LayerNorm, post-LN transformer), to check the ONNX graph
 * against.
 */
final class ReferenceData2VecAudio {

    private ReferenceData2VecAudio() {}

    /** @return [frames][hidden] */
    static double[][] forward(AudioEncoderConfig c, TensorBundle w, float[] samples) {
        // Channels-first [channels][time] through the feature encoder.
        double[][] x = new double[1][samples.length];
        for (int t = 0; t < samples.length; t++) {
            x[0][t] = samples[t];
        }
        for (int i = 0; i < c.numConvLayers(); i++) {
            String p = "feature_extractor.conv_layers." + i + ".";
            double[][] conv = conv1d(x, w.get(p + "conv.weight").data(), c.convBias() ? w.get(p + "conv.bias").data() : null,
                    c.convDim().get(i), c.convKernel().get(i), c.convStride().get(i), 0, 1);
            x = transpose(gelu(layerNorm(transpose(conv), w, p + "layer_norm", 1e-5)));
        }
        double[][] features = transpose(x); // [frames][channels]
        double[][] hidden = linear(layerNorm(features, w, "feature_projection.layer_norm", c.layerNormEps()), w,
                "feature_projection.projection");

        int frames = hidden.length;
        double[][] pos = transpose(hidden);
        int k = c.convPosKernelSize();
        for (int j = 0; j < c.numConvPosEmbeddings(); j++) {
            String p = "encoder.pos_conv_embed.layers." + j + ".";
            double[][] conv = conv1d(pos, w.get(p + "conv.weight").data(), w.get(p + "conv.bias").data(),
                    c.hiddenSize(), k, 1, k / 2, c.numConvPosEmbeddingGroups());
            double[][] trimmed = new double[conv.length][frames]; // an even kernel yields one extra frame
            for (int ch = 0; ch < conv.length; ch++) {
                System.arraycopy(conv[ch], 0, trimmed[ch], 0, frames);
            }
            pos = transpose(gelu(layerNormNoAffine(transpose(trimmed), 1e-5)));
        }
        double[][] x2 = layerNorm(add(hidden, transpose(pos)), w, "encoder.layer_norm", c.layerNormEps());
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "encoder.layers." + i + ".";
            double[][] q = linear(x2, w, p + "attention.q_proj");
            double[][] kk = linear(x2, w, p + "attention.k_proj");
            double[][] v = linear(x2, w, p + "attention.v_proj");
            double[][] attn = linear(attention(q, kk, v, c.numAttentionHeads(), null), w, p + "attention.out_proj");
            x2 = layerNorm(add(x2, attn), w, p + "layer_norm", c.layerNormEps());
            double[][] ff = linear(gelu(linear(x2, w, p + "feed_forward.intermediate_dense")), w, p + "feed_forward.output_dense");
            x2 = layerNorm(add(x2, ff), w, p + "final_layer_norm", c.layerNormEps());
        }
        return x2;
    }

    /**
     * PyTorch Conv1d on [in][time] with weight [out][in/groups][kernel], zero padding
     * {@code pad} on both sides: output length (time + 2·pad − kernel) / stride + 1.
     */
    private static double[][] conv1d(double[][] x, float[] weight, float[] bias, int out, int kernel, int stride,
            int pad, int groups) {
        int in = x.length;
        int time = x[0].length;
        int length = (time + 2 * pad - kernel) / stride + 1;
        int inPerGroup = in / groups;
        int outPerGroup = out / groups;
        double[][] y = new double[out][length];
        for (int o = 0; o < out; o++) {
            int firstIn = (o / outPerGroup) * inPerGroup;
            for (int t = 0; t < length; t++) {
                double s = bias == null ? 0 : bias[o];
                for (int ci = 0; ci < inPerGroup; ci++) {
                    for (int kk = 0; kk < kernel; kk++) {
                        int src = t * stride + kk - pad;
                        if (src >= 0 && src < time) {
                            s += weight[(o * inPerGroup + ci) * kernel + kk] * x[firstIn + ci][src];
                        }
                    }
                }
                y[o][t] = s;
            }
        }
        return y;
    }

    private static double[][] transpose(double[][] x) {
        double[][] y = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                y[j][i] = x[i][j];
            }
        }
        return y;
    }
}
