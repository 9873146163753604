package io.d2vstreams.runtime.internal;

import io.d2vstreams.runtime.TensorBundle;

/**
 * Double-precision building blocks for the plain-Java reference passes of the graph tests,
 * written from the PyTorch definitions ({@code nn.Linear}, {@code nn.LayerNorm}, exact GELU,
 * scaled dot-product attention), not from the ONNX graphs they check.
 */
public final class ReferenceMath {

    private ReferenceMath() {}

    /** y = x Wᵀ + b with W in [out, in]; {@code module.bias} may be absent when {@code bias} is false. */
    public static double[][] linear(double[][] x, TensorBundle w, String module, boolean bias) {
        float[] weight = w.get(module + ".weight").data();
        int in = x[0].length;
        int out = weight.length / in;
        float[] b = bias ? w.get(module + ".bias").data() : new float[out];
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * weight[o * in + i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    public static double[][] linear(double[][] x, TensorBundle w, String module) {
        return linear(x, w, module, true);
    }

    /** LayerNorm over each row with {@code module.weight} and {@code module.bias}. */
    public static double[][] layerNorm(double[][] x, TensorBundle w, String module, double eps) {
        return layerNorm(x, w.get(module + ".weight").data(), w.get(module + ".bias").data(), eps);
    }

    /** LayerNorm over each row without affine parameters ({@code elementwise_affine=False}). */
    public static double[][] layerNormNoAffine(double[][] x, double eps) {
        return layerNorm(x, (float[]) null, null, eps);
    }

    /** LayerNorm over each row; null gamma and beta mean no affine parameters. */
    public static double[][] layerNorm(double[][] x, float[] gamma, float[] beta, double eps) {
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
                double n = (x[t][j] - mean) / Math.sqrt(var + eps);
                y[t][j] = gamma == null ? n : n * gamma[j] + beta[j];
            }
        }
        return y;
    }

    public static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int j = 0; j < a[t].length; j++) {
                y[t][j] = a[t][j] + b[t][j];
            }
        }
        return y;
    }

    /** Each row scaled elementwise by {@code scale}. */
    public static double[][] scale(double[][] x, float[] scale) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < x[t].length; j++) {
                y[t][j] = x[t][j] * scale[j];
            }
        }
        return y;
    }

    /** Exact GELU, elementwise, in place. */
    public static double[][] gelu(double[][] x) {
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
            }
        }
        return x;
    }

    /**
     * Multi-head attention of projected q, k, v [tokens, hidden]: softmax(q·kᵀ/√d + bias)·v per
     * head, heads concatenated. {@code bias[head][query][key]} may be null.
     */
    public static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, double[][][] bias) {
        int n = q.length;
        int hidden = q[0].length;
        int hs = hidden / heads;
        double[][] context = new double[n][hidden];
        for (int head = 0; head < heads; head++) {
            int o = head * hs;
            for (int a = 0; a < n; a++) {
                double[] scores = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int b = 0; b < n; b++) {
                    double dot = 0;
                    for (int d = 0; d < hs; d++) {
                        dot += q[a][o + d] * k[b][o + d];
                    }
                    scores[b] = dot / Math.sqrt(hs) + (bias == null ? 0 : bias[head][a][b]);
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
        return context;
    }

    /** erf from the Numerical Recipes Chebyshev fit of erfc (fractional error below 1.2e-7). */
    public static double erf(double z) {
        double t = 1.0 / (1.0 + 0.5 * Math.abs(z));
        double ans = 1 - t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? ans : -ans;
    }
}
