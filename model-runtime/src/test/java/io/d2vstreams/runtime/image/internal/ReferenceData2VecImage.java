package io.d2vstreams.runtime.image.internal;

import static io.d2vstreams.runtime.internal.ReferenceMath.add;
import static io.d2vstreams.runtime.internal.ReferenceMath.attention;
import static io.d2vstreams.runtime.internal.ReferenceMath.gelu;
import static io.d2vstreams.runtime.internal.ReferenceMath.layerNorm;
import static io.d2vstreams.runtime.internal.ReferenceMath.linear;
import static io.d2vstreams.runtime.internal.ReferenceMath.scale;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.image.ImageEncoderConfig;

/**
 * A deliberately naive, double-precision forward pass of Hugging Face's Data2VecVisionModel for
 * one image, written from the model description (BEiT patch embedding, pre-LN layers with layer
 * scale, relative position bias looked up by the offset between two patches' grid coordinates),
 * to check the ONNX graph against.
 */
final class ReferenceData2VecImage {

    private ReferenceData2VecImage() {}

    /** @param pixels [channels][height][width] */
    static double[][] forward(ImageEncoderConfig c, TensorBundle w, double[][][] pixels) {
        int h = c.hiddenSize();
        int p = c.patchSize();
        int side = c.patchesPerSide();
        int tokens = side * side + 1;
        float[] kernel = w.get("embeddings.patch_embeddings.projection.weight").data();
        float[] kernelBias = w.get("embeddings.patch_embeddings.projection.bias").data();
        float[] cls = w.get("embeddings.cls_token").data();
        double[][] x = new double[tokens][h];
        for (int j = 0; j < h; j++) {
            x[0][j] = cls[j];
        }
        for (int pr = 0; pr < side; pr++) {
            for (int pc = 0; pc < side; pc++) {
                double[] token = x[1 + pr * side + pc];
                for (int o = 0; o < h; o++) {
                    double s = kernelBias[o];
                    for (int ch = 0; ch < c.numChannels(); ch++) {
                        for (int ky = 0; ky < p; ky++) {
                            for (int kx = 0; kx < p; kx++) {
                                s += kernel[((o * c.numChannels() + ch) * p + ky) * p + kx]
                                        * pixels[ch][pr * p + ky][pc * p + kx];
                            }
                        }
                    }
                    token[o] = s;
                }
            }
        }
        if (c.useAbsolutePositionEmbeddings()) {
            float[] pos = w.get("embeddings.position_embeddings").data();
            for (int t = 0; t < tokens; t++) {
                for (int j = 0; j < h; j++) {
                    x[t][j] += pos[t * h + j];
                }
            }
        }
        double[][][] shared = c.useSharedRelativePositionBias()
                ? bias(c, w.get("encoder.relative_position_bias.relative_position_bias_table").data())
                : null;
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String l = "encoder.layer." + i + ".";
            double[][] normed = layerNorm(x, w, l + "layernorm_before", c.layerNormEps());
            double[][] q = linear(normed, w, l + "attention.attention.query");
            double[][] k = linear(normed, w, l + "attention.attention.key", false);
            double[][] v = linear(normed, w, l + "attention.attention.value");
            double[][][] bias = null;
            if (c.useRelativePositionBias()) {
                bias = bias(c, w.get(l + "attention.attention.relative_position_bias.relative_position_bias_table").data());
            }
            if (shared != null) {
                bias = bias == null ? shared : sum(bias, shared);
            }
            double[][] attn = linear(attention(q, k, v, c.numAttentionHeads(), bias), w, l + "attention.output.dense");
            if (c.hasLayerScale()) {
                attn = scale(attn, w.get(l + "lambda_1").data());
            }
            x = add(attn, x);
            double[][] mlp = linear(gelu(linear(layerNorm(x, w, l + "layernorm_after", c.layerNormEps()), w,
                    l + "intermediate.dense")), w, l + "output.dense");
            if (c.hasLayerScale()) {
                mlp = scale(mlp, w.get(l + "lambda_2").data());
            }
            x = add(mlp, x);
        }
        return c.useMeanPooling() ? x : layerNorm(x, w, "layernorm", c.layerNormEps());
    }

    /**
     * bias[head][query][key] from a table [(2s-1)² + 3, heads]: between patches, the row of
     * (Δrow + s - 1, Δcol + s - 1) with Δ = query - key; the last three rows are for a CLS query,
     * a CLS key, and CLS to CLS.
     */
    private static double[][][] bias(ImageEncoderConfig c, float[] table) {
        int side = c.patchesPerSide();
        int span = 2 * side - 1;
        int rows = span * span + 3;
        int heads = c.numAttentionHeads();
        int tokens = side * side + 1;
        double[][][] out = new double[heads][tokens][tokens];
        for (int a = 0; a < tokens; a++) {
            for (int b = 0; b < tokens; b++) {
                int row;
                if (a == 0 && b == 0) {
                    row = rows - 1;
                } else if (a == 0) {
                    row = rows - 3;
                } else if (b == 0) {
                    row = rows - 2;
                } else {
                    int dRow = (a - 1) / side - (b - 1) / side;
                    int dCol = (a - 1) % side - (b - 1) % side;
                    row = (dRow + side - 1) * span + dCol + side - 1;
                }
                for (int head = 0; head < heads; head++) {
                    out[head][a][b] = table[row * heads + head];
                }
            }
        }
        return out;
    }

    private static double[][][] sum(double[][][] a, double[][][] b) {
        double[][][] out = new double[a.length][a[0].length][a[0][0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                for (int k = 0; k < a[i][j].length; k++) {
                    out[i][j][k] = a[i][j][k] + b[i][j][k];
                }
            }
        }
        return out;
    }
}
