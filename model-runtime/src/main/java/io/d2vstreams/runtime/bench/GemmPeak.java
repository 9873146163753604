package io.d2vstreams.runtime.bench;

import static io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder.FLOAT;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.internal.onnx.OnnxGraphBuilder;
import io.d2vstreams.runtime.internal.onnx.OrtSessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The float32 matmul rate ONNX Runtime reaches on this machine with the encoder's own session
 * settings (device, threads, optimisation): one {@code MatMul} of two n×n matrices, the second a
 * constant initializer as the encoders' weights are, so ORT may prepack it just the same. The
 * best of several timed runs is the peak: the encoders' achieved rate is compared with it.
 */
final class GemmPeak {

    /** At least this many timed runs, and more while they take under {@link #TIMED_BUDGET_NANOS} in all. */
    private static final int MIN_RUNS = 5;
    private static final int MAX_RUNS = 50;
    private static final long TIMED_BUDGET_NANOS = 1_000_000_000L;
    private static final int WARMUP_RUNS = 2;

    /** @param gflops 2n³ / best run time; @param device where the session actually ran */
    record Measurement(double gflops, Device device, int n, int runs) {}

    private GemmPeak() {}

    static Measurement measure(EncoderOptions options, int n) throws OrtException {
        byte[] model = graph(n);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSessions.Opened opened = OrtSessions.open(env, model, options, new ModelId(Modality.TEXT, "gemm-peak", 1));
        FloatBuffer a = directFloats(n * n);
        fill(a, new SplittableRandom(1));
        FloatBuffer c = directFloats(n * n);
        long[] shape = {n, n};
        try (OrtSession session = opened.session();
                OnnxTensor input = OnnxTensor.createTensor(env, a, shape);
                OnnxTensor output = OnnxTensor.createTensor(env, c, shape)) {
            for (int i = 0; i < WARMUP_RUNS; i++) {
                run(session, input, output);
            }
            long best = Long.MAX_VALUE;
            long spent = 0;
            int runs = 0;
            while (runs < MIN_RUNS || (runs < MAX_RUNS && spent < TIMED_BUDGET_NANOS)) {
                long t = run(session, input, output);
                best = Math.min(best, t);
                spent += t;
                runs++;
            }
            double flops = 2.0 * n * n * n;
            return new Measurement(flops / best, opened.device(), n, runs);
        }
    }

    /** One run's wall time in nanoseconds; the output is pinned, so ORT writes into our buffer. */
    private static long run(OrtSession session, OnnxTensor input, OnnxTensor output) throws OrtException {
        long start = System.nanoTime();
        try (OrtSession.Result ignored = session.run(Map.of("a", input), Map.of("c", output))) {
            return System.nanoTime() - start;
        }
    }

    private static byte[] graph(int n) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("gemm_peak");
        float[] b = new float[n * n];
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (random.nextDouble() - 0.5);
        }
        g.initializer("b", new long[] {n, n}, b);
        g.input("a", FLOAT, n, n);
        g.node("c", "MatMul", List.of("a", "b"));
        g.output("c", FLOAT, n, n);
        return g.toBytes("d2v-streams-bench", "1", Map.of());
    }

    private static FloatBuffer directFloats(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static void fill(FloatBuffer buffer, SplittableRandom random) {
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (float) (random.nextDouble() - 0.5));
        }
    }
}
