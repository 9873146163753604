package io.d2vstreams.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SoftmaxRegression, the linear probe")
class SoftmaxRegressionTest {

    @Test
    @DisplayName("separates three linearly separable clusters perfectly, on points it was not fitted on too")
    void separable() {
        float[][] centres = {{5, 0, 0}, {0, 5, 0}, {-5, -5, 0}};
        Data train = clusters(centres, 60, 1);
        Data test = clusters(centres, 30, 2);
        SoftmaxRegression probe = SoftmaxRegression.fit(train.x, train.y, 3, 1e-3, 300);
        assertThat(probe.accuracy(train.x, train.y)).as("train accuracy").isEqualTo(1.0);
        assertThat(probe.accuracy(test.x, test.y)).as("test accuracy").isEqualTo(1.0);
    }

    @Test
    @DisplayName("cannot separate XOR: no line does better than about half")
    void xorIsNotLinear() {
        float[][] x = new float[400][];
        int[] y = new int[400];
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < x.length; i++) {
            int a = i % 2;
            int b = (i / 2) % 2;
            x[i] = new float[] {a + (float) random.nextGaussian() * 0.05f, b + (float) random.nextGaussian() * 0.05f};
            y[i] = a ^ b;
        }
        double accuracy = SoftmaxRegression.fit(x, y, 2, 1e-3, 500).accuracy(x, y);
        assertThat(accuracy).as("XOR accuracy of a linear probe").isLessThanOrEqualTo(0.76);
    }

    @Test
    @DisplayName("labels that carry nothing are guessed at chance on new examples")
    void randomLabels() {
        SplittableRandom random = new SplittableRandom(5);
        Data train = noise(random, 300);
        Data test = noise(random, 2000);
        double accuracy = SoftmaxRegression.fit(train.x, train.y, 2, 1e-3, 300).accuracy(test.x, test.y);
        assertThat(accuracy).as("test accuracy on random labels").isBetween(0.44, 0.56);
    }

    @Test
    @DisplayName("is deterministic, and unmoved by the scale of the features")
    void deterministicAndScaleFree() {
        Data d = clusters(new float[][] {{1, 0}, {0, 1}}, 50, 6);
        float[][] scaled = new float[d.x.length][];
        for (int i = 0; i < d.x.length; i++) {
            scaled[i] = new float[] {d.x[i][0] * 1000, d.x[i][1] * 1e-3f};
        }
        SoftmaxRegression a = SoftmaxRegression.fit(d.x, d.y, 2, 1e-3, 200);
        SoftmaxRegression b = SoftmaxRegression.fit(d.x, d.y, 2, 1e-3, 200);
        SoftmaxRegression c = SoftmaxRegression.fit(scaled, d.y, 2, 1e-3, 200);
        for (int i = 0; i < d.x.length; i++) {
            assertThat(b.predict(d.x[i])).as("refit, example %d", i).isEqualTo(a.predict(d.x[i]));
            assertThat(c.predict(scaled[i])).as("rescaled features, example %d", i).isEqualTo(a.predict(d.x[i]));
        }
    }

    @Test
    @DisplayName("rejects labels outside the classes and rows of different lengths")
    void rejectsBadInput() {
        assertThatThrownBy(() -> SoftmaxRegression.fit(new float[][] {{1}, {2}}, new int[] {0, 2}, 2, 0, 1))
                .as("label 2 of 2 classes").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SoftmaxRegression.fit(new float[][] {{1}, {2, 3}}, new int[] {0, 1}, 2, 0, 1))
                .as("ragged rows").isInstanceOf(IllegalArgumentException.class);
    }

    private record Data(float[][] x, int[] y) {}

    private static Data clusters(float[][] centres, int perClass, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = centres.length * perClass;
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % centres.length;
            x[i] = new float[centres[c].length];
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = centres[c][j] + (float) random.nextGaussian() * 0.5f;
            }
            y[i] = c;
        }
        return new Data(x, y);
    }

    private static Data noise(SplittableRandom random, int n) {
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = new float[8];
            for (int j = 0; j < 8; j++) {
                x[i][j] = (float) random.nextGaussian();
            }
            y[i] = random.nextInt(2);
        }
        return new Data(x, y);
    }
}
