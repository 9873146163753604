package io.d2vstreams.trainer.internal;

import ai.djl.engine.Engine;
import io.d2vstreams.runtime.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch engine of DJL, opened offline. DJL downloads missing native libraries and, once a
 * day, probes the network for telemetry unless offline mode is on ({@code ai.djl.offline}); the
 * {@code pytorch-native-cpu} jar on the class path carries libtorch, so nothing needs fetching.
 * Properties already set by the operator win (a GPU host sets {@code PYTORCH_LIBRARY_PATH} to a
 * CUDA libtorch, see the parent pom's {@code cuda} profile).
 */
public final class DjlEnvironment {

    /** DJL's name for its PyTorch engine. */
    public static final String ENGINE = "PyTorch";

    private static final Logger LOG = LoggerFactory.getLogger(DjlEnvironment.class);

    private DjlEnvironment() {}

    /** The PyTorch engine, loaded without network access on first use. */
    public static Engine pytorch() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        // The tokenizers library (shared with model-runtime) exists only as a CPU build.
        setIfAbsent("RUST_FLAVOR", "cpu");
        return Engine.getEngine(ENGINE);
    }

    /**
     * Turns libtorch's gradient recording off on the calling thread. libtorch keeps grad mode per
     * thread and DJL's PyTorch engine turns it off only on the thread that loads the engine
     * ({@code PtEngine.newInstance}); on any other thread it is on, so operations outside a
     * {@code GradientCollector} build autograd graphs and the in-place parameter updates fail
     * ("a leaf Variable that requires grad is being used in an in-place operation"). A
     * {@code GradientCollector} restores the mode it found, so this holds across steps.
     */
    public static void gradientsOffOnThisThread() {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }

    /**
     * Sets libtorch's intra-op thread count for the whole process (the engine is loaded first).
     * libtorch keeps one count, read lazily by every thread that runs a parallel operator, so it
     * applies to every training loop; 0 leaves libtorch's own choice (one per core).
     *
     * @return the count libtorch uses from now on
     */
    public static int intraOpThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, was " + threads);
        }
        pytorch();
        if (threads > 0 && ai.djl.pytorch.jni.JniUtils.getNumThreads() != threads) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    /** Where to train: CUDA when asked for and visible to libtorch, else CPU with one WARN line. */
    public static ai.djl.Device device(Engine engine, Device wanted) {
        if (wanted == Device.CUDA) {
            if (engine.getGpuCount() > 0) {
                return ai.djl.Device.gpu();
            }
            LOG.warn("event=trainer_device_fallback wanted=CUDA using=CPU reason=\"libtorch sees no GPU\"");
        }
        return ai.djl.Device.cpu();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
