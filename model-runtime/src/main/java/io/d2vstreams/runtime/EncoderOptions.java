package io.d2vstreams.runtime;

import java.util.Objects;

/**
 * How an encoder is opened and how it pools. Validated once, at construction.
 *
 * @param device CPU, or CUDA with a logged fall back to CPU when unavailable
 * @param intraOpThreads ONNX Runtime threads inside one operator; 0 lets ONNX Runtime choose
 * @param interOpThreads ONNX Runtime threads across operators; 0 lets ONNX Runtime choose
 * @param optimizationLevel ONNX Runtime graph optimisation level
 * @param normalize L2-normalise pooled vectors (the default; cosine similarity becomes a dot product)
 * @param maxBatch most inputs per model run; larger calls are split into length buckets
 * @param truncation what to do with text longer than the model's maximum token count
 * @param spinWait let ONNX Runtime's threads spin between runs instead of sleeping: a little less
 *     latency per run for an encoder that has the cores to itself, CPU taken from everything else
 *     on them (in the pipeline: the stream thread, the Kafka clients, an in-process broker)
 */
public record EncoderOptions(
        Device device,
        int intraOpThreads,
        int interOpThreads,
        OptimizationLevel optimizationLevel,
        boolean normalize,
        int maxBatch,
        TruncationPolicy truncation,
        boolean spinWait) {

    /** Mirrors ONNX Runtime's {@code GraphOptimizationLevel}. */
    public enum OptimizationLevel {
        NONE,
        BASIC,
        EXTENDED,
        ALL
    }

    public EncoderOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(optimizationLevel, "optimizationLevel");
        Objects.requireNonNull(truncation, "truncation");
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = ONNX Runtime default), got " + intraOpThreads);
        }
        if (interOpThreads < 0) {
            throw new IllegalArgumentException("interOpThreads must be >= 0 (0 = ONNX Runtime default), got " + interOpThreads);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
    }

    /** The six-field form; text longer than the model allows is truncated. */
    public EncoderOptions(
            Device device,
            int intraOpThreads,
            int interOpThreads,
            OptimizationLevel optimizationLevel,
            boolean normalize,
            int maxBatch) {
        this(device, intraOpThreads, interOpThreads, optimizationLevel, normalize, maxBatch, TruncationPolicy.TRUNCATE, false);
    }

    /**
     * CPU, ONNX Runtime's thread defaults, all optimisations, normalised, batches of 32, truncate,
     * threads that sleep between runs.
     */
    public static EncoderOptions defaults() {
        return new EncoderOptions(Device.CPU, 0, 0, OptimizationLevel.ALL, true, 32, TruncationPolicy.TRUNCATE, false);
    }

    public EncoderOptions withDevice(Device value) {
        return new EncoderOptions(value, intraOpThreads, interOpThreads, optimizationLevel, normalize, maxBatch, truncation, spinWait);
    }

    public EncoderOptions withThreads(int intraOp, int interOp) {
        return new EncoderOptions(device, intraOp, interOp, optimizationLevel, normalize, maxBatch, truncation, spinWait);
    }

    public EncoderOptions withNormalize(boolean value) {
        return new EncoderOptions(device, intraOpThreads, interOpThreads, optimizationLevel, value, maxBatch, truncation, spinWait);
    }

    public EncoderOptions withMaxBatch(int value) {
        return new EncoderOptions(device, intraOpThreads, interOpThreads, optimizationLevel, normalize, value, truncation, spinWait);
    }

    public EncoderOptions withTruncation(TruncationPolicy value) {
        return new EncoderOptions(device, intraOpThreads, interOpThreads, optimizationLevel, normalize, maxBatch, value, spinWait);
    }

    public EncoderOptions withSpinWait(boolean value) {
        return new EncoderOptions(device, intraOpThreads, interOpThreads, optimizationLevel, normalize, maxBatch, truncation, value);
    }
}
