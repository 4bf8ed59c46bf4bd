package dev.bastion.detect.injection.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {
    @Test
    void choleskySolvesASymmetricPositiveDefiniteSystem() {
        double[][] a = {{4, 2, 0}, {2, 5, 1}, {0, 1, 3}};
        double[] x = LogisticRegression.solve(a, new double[] {2, 7, 7});
        assertThat(x[0]).isCloseTo(0, within(1e-12));
        assertThat(x[1]).isCloseTo(1, within(1e-12));
        assertThat(x[2]).isCloseTo(2, within(1e-12));
    }

    @Test
    void learnsTheDirectionThatSeparatesTheClassesAndIsDeterministic() {
        Random random = new Random(1);
        int n = 400, d = 5;
        float[][] x = new float[n][d];
        boolean[] y = new boolean[n];
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i][j] = (float) random.nextGaussian();
            y[i] = 2 * x[i][0] - x[i][1] + 0.3 * random.nextGaussian() > 0.5;
            c[i] = 1;
        }
        double[] w = LogisticRegression.fit(x, y, c, 1);
        assertThat(w).hasSize(d + 1);
        assertThat(w[0]).isGreaterThan(3);
        assertThat(w[1]).isLessThan(-1.5);
        assertThat(Math.abs(w[2]) + Math.abs(w[3]) + Math.abs(w[4])).isLessThan(Math.abs(w[1]));
        assertThat(w[d]).isNegative();
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double s = w[d];
            for (int j = 0; j < d; j++) s += w[j] * x[i][j];
            if ((s > 0) == y[i]) correct++;
        }
        assertThat(correct).isGreaterThan(n * 9 / 10);
        assertThat(LogisticRegression.fit(x, y, c, 1)).containsExactly(w);
    }
}
