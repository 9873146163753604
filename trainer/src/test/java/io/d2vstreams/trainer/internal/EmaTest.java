package io.d2vstreams.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Ema: the teacher's exponential moving average of the student")
class EmaTest {

    @Test
    @DisplayName("teacher <- tau * teacher + (1 - tau) * student, in place, leaving shared parameters alone")
    void handComputed() {
        try (NDManager manager = DjlEnvironment.pytorch().newBaseManager()) {
            NDArray teacherW = manager.create(new float[] {1f, 2f, -4f, 0.5f}, new Shape(2, 2));
            NDArray studentW = manager.create(new float[] {3f, -2f, 0f, 0.5f}, new Shape(2, 2));
            NDArray shared = manager.create(new float[] {7f, 8f});
            Map<String, NDArray> teacher = Map.of("w", teacherW, "emb", shared);
            Map<String, NDArray> student = Map.of("w", studentW, "emb", shared);

            Ema.update(teacher, student, 0.9, Set.of("emb"));

            // 0.9·1 + 0.1·3 = 1.2; 0.9·2 + 0.1·(−2) = 1.6; 0.9·(−4) + 0 = −3.6; 0.5 stays 0.5.
            assertThat(teacher.get("w").toFloatArray()).as("EMA of w")
                    .containsExactly(new float[] {1.2f, 1.6f, -3.6f, 0.5f}, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(teacher.get("w")).as("updated in place").isSameAs(teacherW);
            assertThat(studentW.toFloatArray()).as("student untouched").containsExactly(3f, -2f, 0f, 0.5f);
            assertThat(shared.toFloatArray()).as("shared parameter untouched").containsExactly(7f, 8f);
        }
    }

    @Test
    @DisplayName("tau = 1 keeps the teacher, tau = 0 copies the student, and a bad tau or a missing twin is refused")
    void edges() {
        try (NDManager manager = DjlEnvironment.pytorch().newBaseManager()) {
            NDArray t = manager.create(new float[] {1f, 2f});
            NDArray s = manager.create(new float[] {5f, 6f});
            Ema.update(Map.of("w", t), Map.of("w", s), 1.0, Set.of());
            assertThat(t.toFloatArray()).as("tau 1").containsExactly(1f, 2f);
            Ema.update(Map.of("w", t), Map.of("w", s), 0.0, Set.of());
            assertThat(t.toFloatArray()).as("tau 0").containsExactly(5f, 6f);
            assertThatThrownBy(() -> Ema.update(Map.of("w", t), Map.of("w", s), 1.5, Set.of()))
                    .as("tau above 1").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Ema.update(Map.of("v", t), Map.of("w", s), 0.5, Set.of()))
                    .as("no student twin").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'v'");
        }
    }
}
