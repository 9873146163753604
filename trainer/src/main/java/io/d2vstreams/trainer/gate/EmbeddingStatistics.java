package io.d2vstreams.trainer.gate;

/** Spread statistics of a set of embeddings (rows), in double precision. */
public final class EmbeddingStatistics {

    /** Added to each normalised singular value before the entropy, as RankMe does, so zeros are defined. */
    private static final double EPS = 1e-7;
    private static final int MAX_SWEEPS = 100;

    private EmbeddingStatistics() {}

    /** The mean over dimensions of each dimension's (biased) variance across the rows. */
    public static double meanDimensionVariance(float[][] rows) {
        requireRows(rows);
        int n = rows.length;
        int d = rows[0].length;
        double total = 0;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (float[] row : rows) {
                mean += row[j];
            }
            mean /= n;
            double var = 0;
            for (float[] row : rows) {
                double c = row[j] - mean;
                var += c * c;
            }
            total += var / n;
        }
        return total / d;
    }

    /** The rows minus their mean row. */
    public static float[][] centred(float[][] rows) {
        requireRows(rows);
        int d = rows[0].length;
        double[] mean = new double[d];
        for (float[] row : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        float[][] out = new float[rows.length][d];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) (rows[i][j] - mean[j] / rows.length);
            }
        }
        return out;
    }

    /**
     * The effective rank of the matrix of rows (Roy and Vetterli 2007; used as RankMe by Garrido
     * et al. 2023 to detect dimensional collapse of self-supervised embeddings):
     * {@code exp(−Σ p_k log p_k)} with {@code p_k = σ_k / Σσ + ε} over the singular values σ. It is
     * 1 when every row lies on one line and the dimension when all directions are used evenly.
     * Returns 0 for an all-zero matrix.
     */
    public static double effectiveRank(float[][] rows) {
        requireRows(rows);
        double[] singular = singularValues(rows);
        double sum = 0;
        for (double s : singular) {
            sum += s;
        }
        if (!(sum > 0) || !Double.isFinite(sum)) {
            return Double.isFinite(sum) ? 0 : Double.NaN;
        }
        double entropy = 0;
        for (double s : singular) {
            double p = s / sum + EPS;
            entropy -= p * Math.log(p);
        }
        return Math.exp(entropy);
    }

    /**
     * The singular values of the rows, as square roots of the eigenvalues of the Gram matrix
     * {@code XᵀX} (d × d, small for embeddings), by cyclic Jacobi rotations.
     */
    static double[] singularValues(float[][] rows) {
        int d = rows[0].length;
        double[][] a = new double[d][d];
        for (float[] row : rows) {
            for (int i = 0; i < d; i++) {
                double ri = row[i];
                for (int j = i; j < d; j++) {
                    a[i][j] += ri * row[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                a[i][j] = a[j][i];
            }
        }
        double[] eigen = jacobiEigenvalues(a);
        double[] singular = new double[d];
        for (int i = 0; i < d; i++) {
            singular[i] = Math.sqrt(Math.max(0, eigen[i]));
        }
        return singular;
    }

    /** Eigenvalues of a symmetric matrix (overwritten) by cyclic Jacobi sweeps. */
    static double[] jacobiEigenvalues(double[][] a) {
        int n = a.length;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-22 * Math.max(diag, 1e-300)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] eigen = new double[n];
        for (int i = 0; i < n; i++) {
            eigen[i] = a[i][i];
        }
        return eigen;
    }

    private static void requireRows(float[][] rows) {
        if (rows.length < 2 || rows[0].length == 0) {
            throw new IllegalArgumentException("spread statistics need at least two non-empty rows, got " + rows.length);
        }
        for (float[] row : rows) {
            if (row.length != rows[0].length) {
                throw new IllegalArgumentException("rows of different lengths: " + row.length + " and " + rows[0].length);
            }
        }
    }
}
