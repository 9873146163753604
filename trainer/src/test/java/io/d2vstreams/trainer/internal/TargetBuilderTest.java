package io.d2vstreams.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TargetBuilder: the average of the teacher's top-K layer-normalised outputs")
class TargetBuilderTest {

    @Test
    @DisplayName("layer-normalises each of the top K layers per position, then averages them")
    void handComputedTopK() {
        try (NDManager manager = DjlEnvironment.pytorch().newBaseManager()) {
            // One text, one position, three channels; three layers, first layer first.
            NDArray first = manager.create(new float[] {100f, -3f, 9f}, new Shape(1, 1, 3));
            NDArray second = manager.create(new float[] {1f, 2f, 3f}, new Shape(1, 1, 3));
            NDArray third = manager.create(new float[] {2f, 2f, 5f}, new Shape(1, 1, 3));
            List<NDArray> layers = List.of(first, second, third);

            // second: mean 2, biased variance 2/3 → (x − 2)/√(2/3 + 1e−5)
            double s = Math.sqrt(2.0 / 3 + 1e-5);
            float[] secondNormed = {(float) (-1 / s), 0f, (float) (1 / s)};
            // third: mean 3, biased variance (1 + 1 + 4)/3 = 2 → (x − 3)/√(2 + 1e−5)
            double t = Math.sqrt(2.0 + 1e-5);
            float[] thirdNormed = {(float) (-1 / t), (float) (-1 / t), (float) (2 / t)};

            float[] top1 = TargetBuilder.build(layers, 1, TargetBuilder.Norm.LAYER, null).toFloatArray();
            assertThat(top1).as("K = 1 is the last layer, normalised").containsExactly(thirdNormed, offset(1e-5f));

            float[] top2 = TargetBuilder.build(layers, 2, TargetBuilder.Norm.LAYER, null).toFloatArray();
            float[] expected = new float[3];
            for (int i = 0; i < 3; i++) {
                expected[i] = (secondNormed[i] + thirdNormed[i]) / 2;
            }
            // −0.9659, −0.3536, 1.3195: the first layer (with its outlier 100) plays no part.
            assertThat(top2).as("K = 2 averages the last two layers").containsExactly(expected, offset(1e-5f));

            float[] topMany = TargetBuilder.build(layers, 8, TargetBuilder.Norm.LAYER, null).toFloatArray();
            float[] all = TargetBuilder.build(layers, 3, TargetBuilder.Norm.LAYER, null).toFloatArray();
            assertThat(topMany).as("K above the layer count means all layers").containsExactly(all, offset(1e-6f));
        }
    }

    @Test
    @DisplayName("normalises every position on its own, so each target has mean 0 and variance 1 over channels")
    void perPosition() {
        try (NDManager manager = DjlEnvironment.pytorch().newBaseManager()) {
            NDArray layer = manager.create(new float[] {1f, 2f, 3f, 4f, 10f, 10f, 10f, 50f}, new Shape(1, 2, 4));
            float[] out = TargetBuilder.build(List.of(layer), 1, TargetBuilder.Norm.LAYER, null).toFloatArray();
            for (int p = 0; p < 2; p++) {
                double mean = 0;
                double square = 0;
                for (int c = 0; c < 4; c++) {
                    mean += out[p * 4 + c] / 4.0;
                    square += out[p * 4 + c] * out[p * 4 + c] / 4.0;
                }
                assertThat(mean).as("mean of position %d", p).isCloseTo(0, offset(1e-6));
                assertThat(square - mean * mean).as("variance of position %d", p).isCloseTo(1, offset(1e-4));
            }
        }
    }
}
