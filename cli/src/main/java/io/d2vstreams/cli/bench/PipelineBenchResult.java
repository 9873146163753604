package io.d2vstreams.cli.bench;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.bench.BenchResult;

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
 * @param partitions     input partitions, each a stream task
 * @param guarantee      the pipeline's processing.guarantee
 * @param training       the trainer that trained beside the pipeline in the same process, null when none did
 */
public record PipelineBenchResult(BenchResult encoder, double pipelineRps, double latencyP50Ms, double latencyP99Ms,
                                  int partitions, String guarantee, Training training) {

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

    /** The pipeline alone. */
    public PipelineBenchResult(BenchResult encoder, double pipelineRps, double latencyP50Ms, double latencyP99Ms,
                               int partitions, String guarantee) {
        this(encoder, pipelineRps, latencyP50Ms, latencyP99Ms, partitions, guarantee, null);
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
