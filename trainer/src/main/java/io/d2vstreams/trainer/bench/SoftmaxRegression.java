package io.d2vstreams.trainer.bench;

import java.util.Arrays;
import java.util.Objects;

/**
 * Multinomial logistic regression (softmax) fitted by full-batch accelerated gradient descent
 * with an L2 penalty: the linear probe of {@link LinearProbeBench}. Deterministic (zero start, no sampling),
 * so the same features always give the same probe. Features are standardised with the training
 * set's mean and deviation first, and the step size is 1/L for L an upper bound of the loss's
 * curvature (power iteration on the feature covariance), so gradient descent cannot diverge
 * whatever the scale of the embeddings.
 *
 * <p>A hand-written class rather than a library: the probe needs ~100 lines, while Tribuo's SGD
 * classifier brings its core, math and OLCUT configuration jars into the trainer.
 */
public final class SoftmaxRegression {

    private final double[] mean;
    private final double[] scale;
    private final double[][] weights; // [class][feature + 1], the last column is the bias

    private SoftmaxRegression(double[] mean, double[] scale, double[][] weights) {
        this.mean = mean;
        this.scale = scale;
        this.weights = weights;
    }

    /**
     * Fits the probe.
     *
     * @param x one row of features per example, all of the same length
     * @param y labels in {@code [0, classes)}
     * @param l2 penalty on the weights (not the biases), ≥ 0
     * @param iterations gradient steps
     */
    public static SoftmaxRegression fit(float[][] x, int[] y, int classes, double l2, int iterations) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length == 0 || x.length != y.length || classes < 2 || l2 < 0 || iterations < 1) {
            throw new IllegalArgumentException("need rows = labels > 0, classes >= 2, l2 >= 0 and iterations >= 1; got "
                    + x.length + " rows, " + y.length + " labels, " + classes + ", " + l2 + ", " + iterations);
        }
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (float[] row : x) {
            if (row.length != d) {
                throw new IllegalArgumentException("rows of different lengths: " + d + " and " + row.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / (double) n;
            }
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            // A constant feature carries nothing; 1 keeps it at 0 instead of dividing by 0.
            scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
        }
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException("label " + y[i] + " outside [0, " + classes + ")");
            }
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
            z[i][d] = 1;
        }
        // The softmax loss's Hessian is at most ½·(ZᵀZ/n) ⊗ I plus the penalty (Böhning's bound).
        double step = 1 / (0.5 * largestEigenvalue(z) + l2);
        // Nesterov's accelerated gradient: on this smooth convex loss it reaches in hundreds of
        // steps what plain gradient descent needs thousands for, which matters because random
        // encoders give nearly collinear features (an ill-conditioned problem), and a probe stopped
        // early would measure the optimiser rather than the embeddings.
        double[][] w = new double[classes][d + 1];
        double[][] previous = new double[classes][d + 1];
        double[][] look = new double[classes][d + 1];
        double[][] grad = new double[classes][d + 1];
        double[] p = new double[classes];
        for (int it = 0; it < iterations; it++) {
            double momentum = it / (it + 3.0);
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j <= d; j++) {
                    look[c][j] = w[c][j] + momentum * (w[c][j] - previous[c][j]);
                }
                Arrays.fill(grad[c], 0);
            }
            for (int i = 0; i < n; i++) {
                probabilities(look, z[i], p);
                p[y[i]] -= 1;
                for (int c = 0; c < classes; c++) {
                    double r = p[c] / n;
                    for (int j = 0; j <= d; j++) {
                        grad[c][j] += r * z[i][j];
                    }
                }
            }
            for (int c = 0; c < classes; c++) {
                System.arraycopy(w[c], 0, previous[c], 0, d + 1);
                for (int j = 0; j <= d; j++) {
                    double penalty = j < d ? l2 * look[c][j] : 0;
                    w[c][j] = look[c][j] - step * (grad[c][j] + penalty);
                }
            }
        }
        return new SoftmaxRegression(mean, scale, w);
    }

    /** The most probable class of one example. */
    public int predict(float[] features) {
        int d = mean.length;
        if (features.length != d) {
            throw new IllegalArgumentException("expected " + d + " features, got " + features.length);
        }
        double[] z = new double[d + 1];
        for (int j = 0; j < d; j++) {
            z[j] = (features[j] - mean[j]) / scale[j];
        }
        z[d] = 1;
        double[] p = new double[weights.length];
        probabilities(weights, z, p);
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /** The fraction of examples whose predicted class is their label. */
    public double accuracy(float[][] x, int[] y) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("need as many labels as rows (> 0), got " + x.length + " and " + y.length);
        }
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            if (predict(x[i]) == y[i]) {
                correct++;
            }
        }
        return (double) correct / x.length;
    }

    private static void probabilities(double[][] w, double[] z, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < w.length; c++) {
            double s = 0;
            for (int j = 0; j < z.length; j++) {
                s += w[c][j] * z[j];
            }
            out[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < w.length; c++) {
            out[c] = Math.exp(out[c] - max);
            sum += out[c];
        }
        for (int c = 0; c < w.length; c++) {
            out[c] /= sum;
        }
    }

    /** The largest eigenvalue of ZᵀZ/n by power iteration from a fixed start (deterministic). */
    private static double largestEigenvalue(double[][] z) {
        int d = z[0].length;
        double[] v = new double[d];
        Arrays.fill(v, 1 / Math.sqrt(d));
        double lambda = 0;
        for (int it = 0; it < 100; it++) {
            double[] next = new double[d];
            for (double[] row : z) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += row[j] * v[j];
                }
                for (int j = 0; j < d; j++) {
                    next[j] += dot * row[j] / z.length;
                }
            }
            double norm = 0;
            for (double a : next) {
                norm += a * a;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                return 0;
            }
            lambda = norm;
            for (int j = 0; j < d; j++) {
                v[j] = next[j] / norm;
            }
        }
        // Power iteration approaches from below; a margin keeps the step on the safe side.
        return lambda * 1.05;
    }
}
