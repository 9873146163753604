package io.d2vstreams.runtime.spi;

import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.internal.TruncatedNormal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeding and checking the parameters of a model described as a list of {@link ParamSpec}s. */
public final class ParamSpecs {

    private ParamSpecs() {}

    /**
     * Fresh weights, one tensor per spec in list order. Each random tensor draws from its own
     * {@code split()} of {@code SplittableRandom(seed)} (constants draw nothing), so the same seed
     * gives bit-identical weights on every JVM.
     */
    public static TensorBundle seeded(List<ParamSpec> specs, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        TensorBundle.Builder bundle = TensorBundle.builder();
        for (ParamSpec s : specs) {
            float[] data = new float[s.size()];
            if (s.init() instanceof ParamSpec.Constant c) {
                Arrays.fill(data, c.value());
            } else if (s.init() instanceof ParamSpec.Normal n) {
                TruncatedNormal normal = new TruncatedNormal(root.split());
                for (int i = 0; i < data.length; i++) {
                    data[i] = normal.next(n.std());
                }
            } else if (s.init() instanceof ParamSpec.NormalWithZeroRow n) {
                TruncatedNormal normal = new TruncatedNormal(root.split());
                for (int i = 0; i < data.length; i++) {
                    data[i] = normal.next(n.std());
                }
                int width = Math.toIntExact(s.shape()[1]);
                Arrays.fill(data, n.row() * width, (n.row() + 1) * width, 0f);
            } else if (s.init() instanceof ParamSpec.Uniform u) {
                SplittableRandom random = root.split();
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) ((2 * random.nextDouble() - 1) * u.bound());
                }
            }
            bundle.put(s.name(), s.shape(), data);
        }
        return bundle.build();
    }

    /**
     * Checks that a bundle has every parameter the specs call for, with the right shape. Extra
     * tensors are allowed (a checkpoint's training-only parameters); the graph ignores them.
     *
     * @throws IllegalArgumentException naming the first missing or misshapen tensor
     */
    public static void requireMatches(List<ParamSpec> specs, TensorBundle weights) {
        for (ParamSpec s : specs) {
            if (!weights.contains(s.name())) {
                throw new IllegalArgumentException("weights lack '" + s.name() + "'");
            }
            long[] actual = weights.get(s.name()).shape();
            if (!Arrays.equals(actual, s.shape())) {
                throw new IllegalArgumentException("weight '" + s.name() + "' has shape " + Arrays.toString(actual)
                        + ", the config calls for " + Arrays.toString(s.shape()));
            }
        }
    }

    /** Name → shape of every spec, in order. */
    public static Map<String, long[]> shapes(List<ParamSpec> specs) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            shapes.put(s.name(), s.shape());
        }
        return shapes;
    }

    /** Adds {@code nn.Linear(in, out)}: {@code module.weight} [out, in] and a zero {@code module.bias} [out]. */
    public static void addLinear(List<ParamSpec> specs, String module, long out, long in, ParamSpec.Init weight) {
        specs.add(new ParamSpec(module + ".weight", new long[] {out, in}, weight));
        specs.add(new ParamSpec(module + ".bias", new long[] {out}, ParamSpec.ZEROS));
    }

    /** Adds {@code nn.LayerNorm(width)}: {@code module.weight} of ones and {@code module.bias} of zeros. */
    public static void addLayerNorm(List<ParamSpec> specs, String module, long width) {
        specs.add(new ParamSpec(module + ".weight", new long[] {width}, ParamSpec.ONES));
        specs.add(new ParamSpec(module + ".bias", new long[] {width}, ParamSpec.ZEROS));
    }
}
