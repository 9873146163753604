package io.d2vstreams.cli.status;

import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.topology.backfill.BackfillControl;

import java.util.Map;
import java.util.Optional;

/**
 * What {@link StatusProbe#take()} read at one moment. Each source is there, or its error is.
 *
 * @param nanos        {@code System.nanoTime()} when it was taken, for rates between two snapshots
 * @param millis       wall-clock time when it was taken
 * @param pipeline     the pipeline's {@code /metrics}, null when it did not answer
 * @param pipelineError why not, null when it did
 * @param trainer      the trainer's {@code /metrics}, null when it did not answer
 * @param trainerError why not, null when it did
 * @param active       per modality, the ACTIVE announcement on {@code d2v.models} (what serves, since when)
 * @param lastDecision per modality, the gate's latest verdict on {@code d2v.models}
 * @param modelsError  why {@code d2v.models} could not be read, null when it could
 * @param lag          per modality, records of its input topic the pipeline's group has not committed
 * @param lagError     why the lag could not be read, null when it could
 * @param backfill     per modality, the backfill {@code d2v.backfill} says is running or finished last
 * @param backfillError why {@code d2v.backfill} could not be read, null when it could
 */
public record StatusSnapshot(long nanos, long millis, PrometheusText pipeline, String pipelineError, PrometheusText trainer,
                             String trainerError, Map<Modality, ModelVersion> active, Map<Modality, ModelVersion> lastDecision,
                             String modelsError, Map<Modality, Long> lag, String lagError,
                             Map<Modality, BackfillControl.Status> backfill, String backfillError) {
    public StatusSnapshot {
        active = Map.copyOf(active);
        lastDecision = Map.copyOf(lastDecision);
        lag = Map.copyOf(lag);
        backfill = Map.copyOf(backfill);
    }

    Optional<PrometheusText> pipelineMetrics() {
        return Optional.ofNullable(pipeline);
    }

    Optional<PrometheusText> trainerMetrics() {
        return Optional.ofNullable(trainer);
    }
}
