package io.d2vstreams.runtime.text.internal;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.text.TextEncoderConfig;

/**
 * A deliberately naive, double-precision forward pass of Hugging Face's Data2VecTextModel for
 * one sequence, written from the model description (RoBERTa positions, post-LN, exact GELU),
 * to check the ONNX graph against.
 */
final class ReferenceData2VecText {

    private ReferenceData2VecText() {}

    static double[][] forward(TextEncoderConfig c, TensorBundle w, long[] ids, long[] mask) {
        int n = ids.length;
        int h = c.hiddenSize();
        double[][] x = new double[n][h];
        int seen = 0;
        for (int t = 0; t < n; t++) {
            boolean real = ids[t] != c.padTokenId();
            if (real) {
                seen++;
            }
            int position = real ? seen + c.padTokenId() : c.padTokenId();
            for (int j = 0; j < h; j++) {
                x[t][j] = at(w, "embeddings.word_embeddings.weight", (int) ids[t], j, h)
                        + at(w, "embeddings.position_embeddings.weight", position, j, h)
                        + at(w, "embeddings.token_type_embeddings.weight", 0, j, h);
            }
        }
        x = layerNorm(x, w, "embeddings.LayerNorm", c.layerNormEps());
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            double[][] q = linear(x, w, p + "attention.self.query");
            double[][] k = linear(x, w, p + "attention.self.key");
            double[][] v = linear(x, w, p + "attention.self.value");
            double[][] context = new double[n][h];
            int hs = c.headSize();
            for (int head = 0; head < c.numAttentionHeads(); head++) {
                int o = head * hs;
                for (int a = 0; a < n; a++) {
                    double[] scores = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int b = 0; b < n; b++) {
                        if (mask[b] == 0) {
                            scores[b] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int d = 0; d < hs; d++) {
                            dot += q[a][o + d] * k[b][o + d];
                        }
                        scores[b] = dot / Math.sqrt(hs);
                        max = Math.max(max, scores[b]);
                    }
                    double sum = 0;
                    for (int b = 0; b < n; b++) {
                        scores[b] = Math.exp(scores[b] - max);
                        sum += scores[b];
                    }
                    for (int b = 0; b < n; b++) {
                        for (int d = 0; d < hs; d++) {
                            context[a][o + d] += scores[b] / sum * v[b][o + d];
                        }
                    }
                }
            }
            double[][] attention = layerNorm(add(linear(context, w, p + "attention.output.dense"), x), w,
                    p + "attention.output.LayerNorm", c.layerNormEps());
            double[][] inter = linear(attention, w, p + "intermediate.dense");
            for (double[] row : inter) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
                }
            }
            x = layerNorm(add(linear(inter, w, p + "output.dense"), attention), w, p + "output.LayerNorm", c.layerNormEps());
        }
        return x;
    }

    private static double at(TensorBundle w, String name, int row, int col, int width) {
        return w.get(name).data()[row * width + col];
    }

    /** y = x Wᵀ + b with W in [out, in]. */
    private static double[][] linear(double[][] x, TensorBundle w, String module) {
        float[] weight = w.get(module + ".weight").data();
        float[] bias = w.get(module + ".bias").data();
        int out = bias.length;
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * weight[o * in + i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    private static double[][] layerNorm(double[][] x, TensorBundle w, String module, double eps) {
        float[] gamma = w.get(module + ".weight").data();
        float[] beta = w.get(module + ".bias").data();
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= x[t].length;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[t].length;
            y[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                y[t][j] = (x[t][j] - mean) / Math.sqrt(var + eps) * gamma[j] + beta[j];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int j = 0; j < a[t].length; j++) {
                y[t][j] = a[t][j] + b[t][j];
            }
        }
        return y;
    }

    /** erf from the Numerical Recipes Chebyshev fit of erfc (fractional error below 1.2e-7). */
    private static double erf(double z) {
        double t = 1.0 / (1.0 + 0.5 * Math.abs(z));
        double ans = 1 - t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? ans : -ans;
    }
}
