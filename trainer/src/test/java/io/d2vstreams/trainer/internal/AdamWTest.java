package io.d2vstreams.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.d2vstreams.runtime.image.ImageEncoderConfig;
import io.d2vstreams.runtime.image.ImageParameters;
import io.d2vstreams.trainer.image.internal.ImageModality;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AdamW's decoupled weight decay and what it leaves alone")
class AdamWTest {

    @Test
    @DisplayName("with zero gradients only decay moves a parameter: matrices shrink by lr*wd, rank-1 and exempt ones stay")
    void decayAndExemptions() {
        Engine engine = DjlEnvironment.pytorch();
        DjlEnvironment.gradientsOffOnThisThread();
        try (NDManager manager = engine.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("w", manager.create(new float[] {1f, -2f, 3f, 4f}, new Shape(2, 2)));
            params.put("token", manager.create(new float[] {1f, -2f}, new Shape(1, 1, 2)));
            params.put("bias", manager.create(new float[] {5f, 6f}));
            params.values().forEach(p -> p.setRequiresGradient(true));
            try (AdamW adam = new AdamW(manager, params, 0.9, 0.98, 1e-6, 0.5, Set.of("token"))) {
                // A loss whose gradient is zero everywhere, so the Adam step itself is 0.
                Gradients.recordAndBackward(engine, () -> {
                    NDArray sum = null;
                    for (NDArray p : params.values()) {
                        NDArray zero = p.mul(NdTensors.scalar(p, 0f)).sum();
                        sum = sum == null ? zero : sum.add(zero);
                    }
                    return sum;
                });
                adam.update(params, 0.1, 1);
            }
            // 1 − lr·wd = 0.95
            assertThat(params.get("w").toFloatArray()).as("decayed matrix")
                    .containsExactly(new float[] {0.95f, -1.9f, 2.85f, 3.8f}, Offset.offset(1e-6f));
            assertThat(params.get("token").toFloatArray()).as("exempt token").containsExactly(1f, -2f);
            assertThat(params.get("bias").toFloatArray()).as("rank-1 bias").containsExactly(5f, 6f);
        }
    }

    @Test
    @DisplayName("the vision exemptions are BEiT's: CLS and mask tokens, position embeddings and relative position bias tables")
    void visionExemptions() {
        ImageEncoderConfig shared = new ImageEncoderConfig(48, 2, 4, 96, 32, 16, 3, 1e-6, 0.1, true, true, true, false);
        List<String> names = new java.util.ArrayList<>(ImageParameters.shapes(shared).keySet());
        names.add(ImageParameters.MASK_TOKEN);
        assertThat(ImageModality.beitNoWeightDecay(names)).as("exempt names").containsExactlyInAnyOrder(
                ImageParameters.CLS_TOKEN, ImageParameters.MASK_TOKEN, ImageParameters.POSITION,
                ImageParameters.SHARED_BIAS_TABLE, ImageParameters.layerBiasTable(0), ImageParameters.layerBiasTable(1));
    }
}
