package io.d2vstreams.cli.bench;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.bench.BenchResult;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link PipelineBench} run measured: the pipeline end to end through Kafka with the
 * production guarantees, beside the bare encoder on the same model, batch size and threads.
 *
 * @param encoder        the bare-encoder run ({@code d2v bench encoder} with the same settings)
 * @param pipelineRps    timed records / seconds from the first send to the last embedding read
 * @param latencyP50Ms   median of (embedding read with read_committed − event's create time)
 * @param latencyP99Ms   99th percentile of the same
 * @param latencyP999Ms  99.9th percentile of the same
 * @param offeredRate    the open-loop rate produced, records/s; 0 for a backlog produced at once
 * @param partitions     input partitions, each a stream task
 * @param guarantee      the pipeline's processing.guarantee
 * @param cpuMicrosPerRecord CPU microseconds per timed record of the pipeline run, by what spent it ({@link CpuSplit})
 * @param encoderCpuMicrosPerRecord process CPU microseconds per record of the bare-encoder run
 * @param standIn        the pipeline ran with the bench's constant-time stand-in instead of the model: its
 *                       figures are the stream's own ceiling, and {@link #ratio} says how far it outruns the encoder
 * @param training       the trainer that trained beside the pipeline in the same process, null when none did
 * @param backfill       the backfill that ran beside the timed round, null when none did
 * @param streamThreadTime where the stream threads' wall-clock time went during the timed round
 *                       ({@link StreamThreadTime}); empty when not measured
 */
public record PipelineBenchResult(BenchResult encoder, double pipelineRps, double latencyP50Ms, double latencyP99Ms,
                                  double latencyP999Ms, double offeredRate, int partitions, String guarantee,
                                  Map<String, Double> cpuMicrosPerRecord, double encoderCpuMicrosPerRecord, boolean standIn,
                                  Training training, Backfill backfill, Map<String, Double> streamThreadTime) {

    public PipelineBenchResult {
        streamThreadTime = streamThreadTime == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(streamThreadTime));
    }

    /** Without a backfill beside it. */
    public PipelineBenchResult(BenchResult encoder, double pipelineRps, double latencyP50Ms, double latencyP99Ms,
                               double latencyP999Ms, double offeredRate, int partitions, String guarantee,
                               Map<String, Double> cpuMicrosPerRecord, double encoderCpuMicrosPerRecord, boolean standIn,
                               Training training) {
        this(encoder, pipelineRps, latencyP50Ms, latencyP99Ms, latencyP999Ms, offeredRate, partitions, guarantee,
                cpuMicrosPerRecord, encoderCpuMicrosPerRecord, standIn, training, null, Map.of());
    }

    /**
     * A backfill beside the timed round.
     *
     * @param history      records embedded before the swap, for it to re-embed
     * @param share        its backfill.max.share
     * @param records      embeddings it wrote during the timed round
     * @param recordsPerS  the same per second of the timed round
     * @param runningAtEnd whether it was still running when the timed round ended (else it finished during it, and
     *                     the round measured the live stream partly without it)
     */
    public record Backfill(int history, double share, long records, double recordsPerS, boolean runningAtEnd) {
    }

    /**
     * A trainer beside the measured pipeline.
     *
     * @param steps           steps each modality's loop took during the timed round
     * @param concurrentSteps its {@code trainer.concurrent.steps}
     */
    public record Training(Map<Modality, Long> steps, int concurrentSteps) {
        public Training {
            steps = Map.copyOf(steps);
        }
    }

    /** pipeline_rps / encoder_rps: the share of the bare encoder's speed that survives Kafka and exactly-once. */
    public double ratio() {
        return pipelineRps / encoder.encoderRps();
    }

    /** The public JSON names (DESIGN.md: d2v bench), then the details. */
    public Map<String, Object> toFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encoder_rps", round(encoder.encoderRps()));
        m.put("pipeline_rps", round(pipelineRps));
        m.put("ratio", round(ratio()));
        m.put("latency_p50_ms", round(latencyP50Ms));
        m.put("latency_p99_ms", round(latencyP99Ms));
        m.put("latency_p999_ms", round(latencyP999Ms));
        m.put("offered_rate", offeredRate == 0 ? "backlog" : round(offeredRate));
        m.put("model", encoder.model());
        m.put("model_version", encoder.modelVersion());
        m.put("modality", encoder.modality().name());
        m.put("batch", encoder.window());
        m.put("run_size", encoder.batch());
        m.put("device", encoder.device().name());
        m.put("threads", encoder.threads());
        m.put("records", encoder.records());
        m.put("partitions", partitions);
        m.put("processing_guarantee", guarantee);
        m.put("encoder_latency_p50_ms", round(encoder.latencyP50Ms()));
        m.put("encoder_latency_p99_ms", round(encoder.latencyP99Ms()));
        m.put("cpu_us_per_record", cpuMicrosPerRecord);
        m.put("encoder_cpu_us_per_record", round(encoderCpuMicrosPerRecord));
        if (!streamThreadTime.isEmpty()) {
            m.put("stream_thread_time", streamThreadTime);
        }
        m.put("pipeline_encoder", standIn ? StandInEncoders.DESCRIPTION : "the model");
        if (backfill != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("history", backfill.history());
            b.put("max_share", backfill.share());
            b.put("records_during_timed", backfill.records());
            b.put("records_per_s", round(backfill.recordsPerS()));
            b.put("running_at_end", backfill.runningAtEnd());
            m.put("backfill", b);
        }
        if (training != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            for (Modality modality : Modality.values()) {
                if (training.steps().containsKey(modality)) {
                    t.put(modality.folderName(), training.steps().get(modality));
                }
            }
            m.put("trainer_steps_during_timed", t);
            m.put("trainer_concurrent_steps", training.concurrentSteps());
        }
        return m;
    }

    private static double round(double v) {
        return BenchResult.round(v);
    }
}
