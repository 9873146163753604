package io.d2vstreams.runtime.internal.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens ONNX Runtime sessions from {@link EncoderOptions}: threads, optimisation, CUDA with CPU fall back. */
public final class OrtSessions {

    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);
    // ONNX Runtime's session config keys (onnxruntime_session_options_config_keys.h); spinning is on by default there.
    static final String INTRA_OP_SPINNING = "session.intra_op.allow_spinning";
    static final String INTER_OP_SPINNING = "session.inter_op.allow_spinning";

    private OrtSessions() {}

    /** What was opened and where it actually runs (CUDA may have fallen back to CPU). */
    public record Opened(OrtSession session, Device device) {}

    /** Builds an encoder over an open session; may inspect the session and refuse it. */
    @FunctionalInterface
    public interface EncoderFactory<E> {
        E create(OrtEnvironment env, Opened opened) throws OrtException;
    }

    /**
     * Opens a session over the model bytes and builds an encoder over it. When building fails (the
     * model's inputs or outputs do not fit the encoder, say) the session is closed before the
     * exception propagates, so a refused model leaves no native memory behind.
     */
    public static <E> E openEncoder(byte[] model, EncoderOptions options, ModelId id, EncoderFactory<E> factory)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Opened opened = open(env, model, options, id);
        try {
            return factory.create(env, opened);
        } catch (OrtException | RuntimeException e) {
            opened.session().close();
            throw e;
        }
    }

    /**
     * Opens a session over the model bytes (already checksum-verified by the caller, so the
     * file cannot change between the check and the load). The environment is ONNX Runtime's
     * process-wide singleton, which ONNX Runtime itself releases at JVM exit.
     */
    public static Opened open(OrtEnvironment env, byte[] model, EncoderOptions options, ModelId id) throws OrtException {
        try (SessionOptions so = new SessionOptions()) {
            configureThreads(so, options);
            Device device = Device.CPU;
            if (options.device() == Device.CUDA) {
                try {
                    so.addCUDA(0);
                    device = Device.CUDA;
                } catch (OrtException | LinkageError e) {
                    // The CPU build (artifact onnxruntime) has no CUDA provider, and a GPU build
                    // fails here without a driver; serving on CPU beats not serving.
                    LOG.warn("event=cuda_unavailable model={} v{} fallback=CPU reason=\"{}\"",
                            id.name(), id.version(), e.getMessage());
                }
            }
            return new Opened(env.createSession(model, so), device);
        }
    }

    /** Threads, their spinning and the optimisation level: everything of a session but its device. */
    static void configureThreads(SessionOptions so, EncoderOptions options) throws OrtException {
        so.setIntraOpNumThreads(options.intraOpThreads());
        so.setInterOpNumThreads(options.interOpThreads());
        so.setOptimizationLevel(optLevel(options.optimizationLevel()));
        so.addConfigEntry(INTRA_OP_SPINNING, options.spinWait() ? "1" : "0");
        so.addConfigEntry(INTER_OP_SPINNING, options.spinWait() ? "1" : "0");
    }

    static OptLevel optLevel(EncoderOptions.OptimizationLevel level) {
        return switch (level) {
            case NONE -> OptLevel.NO_OPT;
            case BASIC -> OptLevel.BASIC_OPT;
            case EXTENDED -> OptLevel.EXTENDED_OPT;
            case ALL -> OptLevel.ALL_OPT;
        };
    }
}
