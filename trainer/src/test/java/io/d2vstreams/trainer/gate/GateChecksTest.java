package io.d2vstreams.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Quality gate checks, each on its own")
class GateChecksTest {

    @Nested
    @DisplayName("ParityCheck")
    class Parity {
        private final ParityCheck check = new ParityCheck(1e-4);

        @Test
        @DisplayName("passes at or under the tolerance, fails above it and on NaN/Inf with a readable metric")
        void tolerance() {
            assertThat(check.evaluate(3e-7).passed()).as("3e-7").isTrue();
            assertThat(check.evaluate(1e-4).passed()).as("exactly the tolerance").isTrue();
            CheckResult above = check.evaluate(2e-3);
            assertThat(above.passed()).as("2e-3").isFalse();
            assertThat(above.reason()).as("reason").contains("0.00200").contains("1.0E-4");
            CheckResult nan = check.evaluate(Double.POSITIVE_INFINITY);
            assertThat(nan.passed()).as("non-finite").isFalse();
            assertThat(nan.reason()).contains("NaN or Inf");
            assertThat(nan.metrics().get(ParityCheck.METRIC)).as("metric stays finite").isEqualTo(Double.MAX_VALUE);
        }
    }

    @Nested
    @DisplayName("FiniteCheck")
    class Finite {
        @Test
        @DisplayName("fails on any NaN or Inf, naming how many and where the first is")
        void nan() {
            FiniteCheck check = new FiniteCheck();
            assertThat(check.evaluate(new float[][] {{1f, 2f}, {0f, -3f}}).passed()).isTrue();
            CheckResult bad = check.evaluate(new float[][] {{1f, 2f}, {Float.NaN, Float.POSITIVE_INFINITY}});
            assertThat(bad.passed()).isFalse();
            assertThat(bad.reason()).contains("2 NaN/Inf").contains("text 1");
            assertThat(bad.metrics()).containsEntry(FiniteCheck.METRIC, 2.0);
        }
    }

    @Nested
    @DisplayName("HeldOutLossCheck")
    class Loss {
        private final HeldOutLossCheck check = new HeldOutLossCheck(1.0);

        @Test
        @DisplayName("passes when not worse than ACTIVE (or nothing to compare), fails when worse or not finite")
        void comparison() {
            assertThat(check.evaluate(1.2, OptionalDouble.of(1.5)).passed()).as("better").isTrue();
            assertThat(check.evaluate(1.5, OptionalDouble.of(1.5)).passed()).as("equal").isTrue();
            CheckResult worse = check.evaluate(1.6, OptionalDouble.of(1.5));
            assertThat(worse.passed()).as("worse").isFalse();
            assertThat(worse.reason()).contains("1.6000").contains("1.5000");
            assertThat(worse.metrics()).containsEntry(HeldOutLossCheck.CANDIDATE_METRIC, 1.6)
                    .containsEntry(HeldOutLossCheck.ACTIVE_METRIC, 1.5);
            assertThat(check.evaluate(2.0, OptionalDouble.empty()).passed()).as("no ACTIVE version").isTrue();
            assertThat(check.evaluate(Double.NaN, OptionalDouble.of(1.5)).passed()).as("NaN").isFalse();
            assertThat(new HeldOutLossCheck(1.1).evaluate(1.6, OptionalDouble.of(1.5)).passed()).as("10 % slack").isTrue();
        }
    }

    @Nested
    @DisplayName("CollapseCheck and its statistics")
    class Collapse {
        @Test
        @DisplayName("effective rank: 1 for rows on a line, d for orthogonal directions used evenly")
        void effectiveRankByHand() {
            float[][] line = {{1f, 2f, 0f}, {2f, 4f, 0f}, {-3f, -6f, 0f}};
            assertThat(EmbeddingStatistics.effectiveRank(line)).as("rank-1 rows").isCloseTo(1.0, within(1e-3));
            float[][] axes = {{2f, 0f, 0f}, {0f, 2f, 0f}, {0f, 0f, 2f}};
            assertThat(EmbeddingStatistics.effectiveRank(axes)).as("three equal directions").isCloseTo(3.0, within(1e-3));
            // Singular values 3 and 1: p = (0.75, 0.25), exp(−0.75 ln 0.75 − 0.25 ln 0.25) = 1.7548.
            float[][] two = {{3f, 0f}, {0f, 1f}};
            assertThat(EmbeddingStatistics.effectiveRank(two)).as("singular values 3 and 1").isCloseTo(1.7548, within(1e-3));
        }

        @Test
        @DisplayName("singular values of a rotated matrix by Jacobi match the known ones")
        void jacobi() {
            // [[2, 1], [1, 2]] has eigenvalues 3 and 1.
            double[] eigen = EmbeddingStatistics.jacobiEigenvalues(new double[][] {{2, 1}, {1, 2}});
            java.util.Arrays.sort(eigen);
            assertThat(eigen).containsExactly(new double[] {1, 3}, within(1e-9));
        }

        @Test
        @DisplayName("mean per-dimension variance by hand")
        void variance() {
            // dim 0: values 1, 3 → variance 1; dim 1: values 0, 0 → 0; mean 0.5.
            assertThat(EmbeddingStatistics.meanDimensionVariance(new float[][] {{1f, 0f}, {3f, 0f}})).isCloseTo(0.5, within(1e-12));
        }

        @Test
        @DisplayName("passes spread-out embeddings, fails identical ones (variance) and ones on a line (rank)")
        void collapse() {
            CollapseCheck check = new CollapseCheck(1e-6, 2.0);
            SplittableRandom r = new SplittableRandom(3);
            float[][] healthy = new float[64][32];
            float[][] identical = new float[64][32];
            float[][] line = new float[64][32];
            for (int i = 0; i < 64; i++) {
                double scale = r.nextBoolean() ? 1 : -1;
                for (int j = 0; j < 32; j++) {
                    healthy[i][j] = (float) r.nextGaussian() / 6f;
                    identical[i][j] = 1f / (float) Math.sqrt(32);
                    line[i][j] = (float) (scale / Math.sqrt(32));
                }
            }
            CheckResult ok = check.evaluate(healthy);
            assertThat(ok.passed()).as("healthy: %s", ok.metrics()).isTrue();
            CheckResult same = check.evaluate(identical);
            assertThat(same.passed()).as("identical vectors").isFalse();
            assertThat(same.reason()).contains("variance");
            CheckResult onALine = check.evaluate(line);
            assertThat(onALine.passed()).as("vectors on one line, variance %s", onALine.metrics()).isFalse();
            assertThat(onALine.reason()).contains("effective rank");
        }
    }
}
