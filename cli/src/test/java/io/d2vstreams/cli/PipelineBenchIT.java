package io.d2vstreams.cli;

import io.d2vstreams.cli.bench.PipelineBench;
import io.d2vstreams.cli.bench.PipelineBenchResult;
import io.d2vstreams.runtime.Modality;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("d2v bench pipeline")
class PipelineBenchIT {
    @TempDir
    Path dir;

    @Test
    @DisplayName("measures every timed record through Kafka exactly once and reports the contract's fields")
    void measuresEndToEnd() throws Exception {
        List<Integer> progress = new ArrayList<>();
        PipelineBenchResult result = PipelineBench.run(new PipelineBench.Options(Modality.TEXT, 120, 16, 1, 1, 5, 0,
                "exactly_once_v2", false, dir, progress::add));

        assertThat(progress).as("progress reaches every timed record").last().isEqualTo(120);
        assertThat(result.pipelineRps()).as("pipeline records/s").isPositive();
        assertThat(result.encoder().encoderRps()).as("encoder records/s").isPositive();
        assertThat(result.ratio()).isCloseTo(result.pipelineRps() / result.encoder().encoderRps(), within(1e-9));
        assertThat(result.latencyP50Ms()).as("p50 ≤ p99").isLessThanOrEqualTo(result.latencyP99Ms());
        assertThat(result.guarantee()).isEqualTo("exactly_once_v2");
        Map<String, Object> fields = result.toFields();
        assertThat(fields).as("DESIGN.md's bench fields").containsKeys("encoder_rps", "pipeline_rps", "ratio",
                "latency_p50_ms", "latency_p99_ms", "model", "batch", "device", "threads");
        assertThat(fields.get("batch")).isEqualTo(16);
        assertThat(result.cpuMicrosPerRecord()).as("the CPU split").containsKeys("stream_threads", "broker_and_other",
                "native_ort_gc_jit", "total");
        assertThat(result.cpuMicrosPerRecord().get("stream_threads")).as("the stream threads did the work").isPositive();
    }

    @Test
    @DisplayName("produces open-loop at a fixed rate, at least once, and reports the tail latency")
    void openLoopAtLeastOnce() throws Exception {
        PipelineBenchResult result = PipelineBench.run(new PipelineBench.Options(Modality.TEXT, 100, 8, 1, 1, 5, 50,
                "at_least_once", false, dir, null));

        assertThat(result.guarantee()).isEqualTo("at_least_once");
        assertThat(result.offeredRate()).isEqualTo(50);
        // 100 records at 50/s take two seconds to offer, so the pipeline cannot have finished sooner.
        assertThat(result.pipelineRps()).as("paced by the offered rate").isLessThanOrEqualTo(55);
        assertThat(result.latencyP99Ms()).as("p99 <= p99.9").isLessThanOrEqualTo(result.latencyP999Ms());
        assertThat(result.toFields()).containsEntry("offered_rate", 50.0).containsKey("latency_p999_ms");
    }

    @Test
    @DisplayName("with the stand-in, measures the stream alone, names the instrument, and still gets every record once")
    void standInMeasuresTheStreamAlone() throws Exception {
        PipelineBenchResult result = PipelineBench.run(new PipelineBench.Options(Modality.TEXT, 200, 16, 1, 1, 5, 0,
                "exactly_once_v2", true, dir, null));

        assertThat(result.standIn()).isTrue();
        assertThat(result.toFields().get("pipeline_encoder").toString()).as("the output says what ran")
                .contains("stand-in").contains("no inference");
        assertThat(result.pipelineRps()).as("records/s of the stream alone").isPositive();
        assertThat(result.encoder().encoderRps()).as("the real encoder measured beside it").isPositive();
    }

    @Test
    @DisplayName("with a trainer beside it, every timed record still goes through exactly once, and the trainer steps during the timed round")
    void besideATrainer() throws Exception {
        PipelineBenchResult result = PipelineBench.run(new PipelineBench.Options(Modality.TEXT, 600, 16, 1, 1, 5, 0,
                "exactly_once_v2", false, dir, null, List.of(Modality.TEXT, Modality.IMAGE), Map.of("trainer.batch.size", "4")));

        assertThat(result.pipelineRps()).as("pipeline records/s").isPositive();
        assertThat(result.training()).as("the trainer beside the pipeline").isNotNull();
        assertThat(result.training().steps()).as("steps per trained modality during the timed round")
                .containsOnlyKeys(Modality.TEXT, Modality.IMAGE);
        assertThat(result.training().steps().values().stream().mapToLong(Long::longValue).sum())
                .as("the trainer computed while the pipeline was timed").isPositive();
        assertThat(result.training().concurrentSteps()).as("the default: loops take turns").isEqualTo(1);
        assertThat(result.toFields()).as("the JSON says what trained beside it")
                .containsKeys("trainer_steps_during_timed", "trainer_concurrent_steps");
    }

    @Test
    @DisplayName("measures the audio path too, with the audio batch size")
    void audio() throws Exception {
        PipelineBenchResult result = PipelineBench.run(new PipelineBench.Options(Modality.AUDIO, 24, 4, 1, 1, 5, 0,
                "exactly_once_v2", false, dir, null));

        assertThat(result.encoder().modality()).isEqualTo(Modality.AUDIO);
        assertThat(result.encoder().batch()).isEqualTo(4);
        assertThat(result.pipelineRps()).as("pipeline records/s").isPositive();
    }
}
