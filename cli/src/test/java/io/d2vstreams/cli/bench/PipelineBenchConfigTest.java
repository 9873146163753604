package io.d2vstreams.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.topology.PipelineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The pipeline bench's pipeline config")
class PipelineBenchConfigTest {

    private static PipelineBench.Options options(Map<String, String> pipelineSettings, PipelineBench.Backfill backfill) {
        return new PipelineBench.Options(Modality.IMAGE, 100, 16, 2, 1, 5, 0, "exactly_once_v2", false, Path.of("."),
                null, List.of(), Map.of(), backfill, pipelineSettings);
    }

    @Test
    @DisplayName("--pipeline-setting reaches the measured pipeline: a pass-through key its Kafka clients, an own key its config")
    void pipelineSettingsApply() {
        PipelineConfig config = PipelineBench.pipelineConfig(options(Map.of("commit.interval.ms", "250",
                "main.consumer.max.partition.fetch.bytes", "8388608", PipelineConfig.ENCODER_SPIN_WAIT, "true"), null),
                "broker:9092", "http://registry:8081", Path.of("/tmp/store"));

        assertThat(config.streamsProperties()).as("Kafka Streams properties")
                .containsEntry("commit.interval.ms", "250")
                .containsEntry("main.consumer.max.partition.fetch.bytes", "8388608");
        assertThat(config.encoderSpinWait()).as("an own key").isTrue();
        assertThat(config.batch(Modality.IMAGE).maxSize()).as("the bench's batch size").isEqualTo(16);
        assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
    }

    @Test
    @DisplayName("without settings the bench's own config, and the backfill share on top")
    void benchDefaults() {
        PipelineConfig config = PipelineBench.pipelineConfig(options(Map.of(), new PipelineBench.Backfill(100, 0.3)),
                "broker:9092", "http://registry:8081", Path.of("/tmp/store"));

        assertThat(config.samplingEnabled()).isFalse();
        assertThat(config.metricsPort()).isEqualTo(-1);
        assertThat(config.backfillMaxShare()).isEqualTo(0.3);
        assertThat(config.streamsProperties()).doesNotContainKey("commit.interval.ms");
    }
}
