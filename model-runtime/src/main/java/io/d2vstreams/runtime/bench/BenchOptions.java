package io.d2vstreams.runtime.bench;

import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * What {@link EncoderBench} measures and how. Validated once, here.
 *
 * @param store the store that holds {@code model}
 * @param model the version to measure
 * @param records timed inputs
 * @param batch the encoder's largest model run ({@code maxBatch}), the pipeline's micro-batch
 * @param window inputs per {@code embed} call: {@code batch} (one run per call, as the pipeline
 *        drives it), or more to let the encoder sort each call by length into runs of {@code batch}
 *        ({@code LengthBuckets}) and so measure what bucketing saves
 * @param warmupRecords inputs run before timing starts (JIT, ORT arena, kernel selection)
 * @param encoder device, threads and optimisation level of the sessions (the bench sets the batch)
 * @param seed seeds the generated inputs
 * @param gemmSize n of the n×n·n×n MatMul that measures the peak rate
 * @param progress told the number of timed records done after each batch
 */
public record BenchOptions(
        ModelStore store,
        ModelManifest model,
        int records,
        int batch,
        int window,
        int warmupRecords,
        EncoderOptions encoder,
        long seed,
        int gemmSize,
        IntConsumer progress) {

    public static final int DEFAULT_BATCH = 32;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_GEMM_SIZE = 1024;

    public BenchOptions {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(progress, "progress");
        if (records < 1) {
            throw new IllegalArgumentException("records must be at least 1, was " + records);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, was " + batch);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, was " + window);
        }
        if (warmupRecords < 0) {
            throw new IllegalArgumentException("warm-up records must be at least 0, was " + warmupRecords);
        }
        if (gemmSize < 16 || gemmSize > 8192) {
            throw new IllegalArgumentException("GEMM size must be between 16 and 8192, was " + gemmSize);
        }
    }

    /**
     * Defaults around the essentials: one model run per call ({@code window = batch}), warm-up of two batches or a tenth of the records (whichever
     * is more, at most the records), seed 42, a 1024² GEMM, no progress reports.
     */
    public static BenchOptions of(ModelStore store, ModelManifest model, int records, int batch, EncoderOptions encoder) {
        int warmup = Math.min(Math.max(records, 1), Math.max(2 * batch, records / 10));
        return new BenchOptions(store, model, records, batch, batch, warmup, encoder, DEFAULT_SEED, DEFAULT_GEMM_SIZE,
                done -> { });
    }

    public BenchOptions withProgress(IntConsumer value) {
        return new BenchOptions(store, model, records, batch, window, warmupRecords, encoder, seed, gemmSize, value);
    }

    public BenchOptions withWarmupRecords(int value) {
        return new BenchOptions(store, model, records, batch, window, value, encoder, seed, gemmSize, progress);
    }

    public BenchOptions withWindow(int value) {
        return new BenchOptions(store, model, records, batch, value, warmupRecords, encoder, seed, gemmSize, progress);
    }

    public BenchOptions withGemmSize(int value) {
        return new BenchOptions(store, model, records, batch, window, warmupRecords, encoder, seed, value, progress);
    }

    public BenchOptions withSeed(long value) {
        return new BenchOptions(store, model, records, batch, window, warmupRecords, encoder, value, gemmSize, progress);
    }
}
