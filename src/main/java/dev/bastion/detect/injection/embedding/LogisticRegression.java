package dev.bastion.detect.injection.embedding;

/**
 * Weighted, L2-regularised logistic regression fitted by Newton's method: exact and deterministic (no
 * learning rate, no sampling), and cheap at 384 dimensions. Features are standardised for the fit, so one
 * {@code lambda} means the same across dimensions, and the weights are mapped back to raw embeddings.
 * The bias is not regularised.
 */
final class LogisticRegression {
    private static final int MAX_ITERATIONS = 30;
    private static final double TOLERANCE = 1e-7;

    private LogisticRegression() {}

    /**
     * Minimises {@code sum_i c_i * logloss(y_i, w.x_i + b) + lambda/2 * |w|^2} over standardised x.
     *
     * @return the raw-space weights, {@code x[0].length} of them, followed by the bias
     */
    static double[] fit(float[][] x, boolean[] y, double[] c, double lambda) {
        int n = x.length, d = x[0].length, p = d + 1;
        double[] mean = new double[d], scale = new double[d];
        standardisation(x, mean, scale);
        double[] beta = new double[p];
        double[] z = new double[p];
        z[d] = 1;
        double loss = loss(x, y, c, lambda, beta, mean, scale, z);
        for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
            double[] grad = new double[p];
            double[][] hess = new double[p][p];
            for (int i = 0; i < n; i++) {
                standardise(x[i], mean, scale, z);
                double prob = EmbeddingHead.sigmoid(dot(beta, z));
                double g = c[i] * (prob - (y[i] ? 1 : 0));
                double h = c[i] * prob * (1 - prob);
                for (int j = 0; j < p; j++) {
                    grad[j] += g * z[j];
                    double hz = h * z[j];
                    double[] row = hess[j];
                    for (int k = j; k < p; k++) row[k] += hz * z[k];
                }
            }
            for (int j = 0; j < d; j++) {
                grad[j] += lambda * beta[j];
                hess[j][j] += lambda;
            }
            hess[d][d] += 1e-9;
            for (int j = 0; j < p; j++) for (int k = 0; k < j; k++) hess[j][k] = hess[k][j];
            double[] step = solve(hess, grad);
            // Newton on a convex loss rarely overshoots; halving the step guards the first iterations.
            double t = 1;
            double[] next = new double[p];
            double nextLoss;
            do {
                for (int j = 0; j < p; j++) next[j] = beta[j] - t * step[j];
                nextLoss = loss(x, y, c, lambda, next, mean, scale, z);
                t /= 2;
            } while (nextLoss > loss && t > 1e-6);
            double change = 0;
            for (int j = 0; j < p; j++) change = Math.max(change, Math.abs(next[j] - beta[j]));
            beta = next;
            loss = Math.min(loss, nextLoss);
            if (change < TOLERANCE) break;
        }
        // Back to raw features: w_raw = w / scale, b_raw = b - sum(w * mean / scale).
        double[] raw = new double[p];
        raw[d] = beta[d];
        for (int j = 0; j < d; j++) {
            raw[j] = beta[j] / scale[j];
            raw[d] -= raw[j] * mean[j];
        }
        return raw;
    }

    private static void standardisation(float[][] x, double[] mean, double[] scale) {
        int d = mean.length;
        for (float[] row : x) for (int j = 0; j < d; j++) mean[j] += row[j];
        for (int j = 0; j < d; j++) mean[j] /= x.length;
        for (float[] row : x) for (int j = 0; j < d; j++) scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        for (int j = 0; j < d; j++) scale[j] = Math.max(Math.sqrt(scale[j] / x.length), 1e-6);
    }

    private static void standardise(float[] row, double[] mean, double[] scale, double[] z) {
        for (int j = 0; j < mean.length; j++) z[j] = (row[j] - mean[j]) / scale[j];
    }

    private static double loss(float[][] x, boolean[] y, double[] c, double lambda, double[] beta, double[] mean, double[] scale, double[] z) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            standardise(x[i], mean, scale, z);
            double s = dot(beta, z);
            // log(1 + e^s) - y*s, written to stay finite for large |s|
            sum += c[i] * ((s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - (y[i] ? s : 0));
        }
        double reg = 0;
        for (int j = 0; j < mean.length; j++) reg += beta[j] * beta[j];
        return sum + lambda / 2 * reg;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Solves {@code a x = b} for symmetric positive-definite {@code a} by Cholesky decomposition. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                if (i == j) {
                    if (s <= 0) throw new ArithmeticException("matrix is not positive definite");
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i][k] * y[k];
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
            x[i] = s / l[i][i];
        }
        return x;
    }
}
