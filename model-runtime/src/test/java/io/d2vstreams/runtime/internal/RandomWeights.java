package io.d2vstreams.runtime.internal;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.spi.ParamSpec;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Weights far from any initialisation, for checking a graph against a reference pass: every
 * value uniform in (-0.5, 0.5), LayerNorm scales in (0.5, 1.5), so a mis-wired parameter (a
 * transposed weight, a swapped bias, a LayerNorm on the wrong axis) cannot hide behind zeros and
 * ones.
 */
public final class RandomWeights {

    private RandomWeights() {}

    public static TensorBundle of(List<ParamSpec> specs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TensorBundle.Builder b = TensorBundle.builder();
        for (ParamSpec s : specs) {
            float[] data = new float[s.size()];
            boolean scale = s.init().equals(ParamSpec.ONES);
            for (int i = 0; i < data.length; i++) {
                double u = random.nextDouble(-0.5, 0.5);
                data[i] = (float) (scale ? 1 + u : u);
            }
            b.put(s.name(), s.shape(), data);
        }
        return b.build();
    }
}
