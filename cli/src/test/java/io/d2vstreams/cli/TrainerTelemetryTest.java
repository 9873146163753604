package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TrainerTelemetry: meters and health per modality of the worker")
class TrainerTelemetryTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("a TEXT, IMAGE and AUDIO worker gets each meter tagged with each modality, and /health shows every loop")
    void perModality() throws Exception {
        // No broker at this address: the loops wait for their topics, which is all this test needs.
        TrainerWorkerConfig config = TrainerWorkerConfig.from(Map.of(
                TrainerWorkerConfig.BOOTSTRAP_SERVERS, "localhost:1",
                TrainerWorkerConfig.MODALITIES, "TEXT,IMAGE,AUDIO",
                TrainerWorkerConfig.MODEL_STORE_DIR, dir.resolve("models").toString(),
                TrainerWorkerConfig.CHECKPOINT_DIR, dir.resolve("checkpoints").toString()));
        try (TrainerWorker worker = TrainerWorker.start(config);
             TrainerTelemetry telemetry = TrainerTelemetry.serve(worker, "localhost", 0)) {
            String base = "http://localhost:" + telemetry.port().getAsInt();
            String metrics = get(base + "/metrics");
            for (String modality : new String[] {"text", "image", "audio"}) {
                assertThat(metrics).as("%s meters", modality)
                        .contains("d2v_trainer_steps_total{modality=\"" + modality + "\"}")
                        .contains("d2v_trainer_samples_read_total{modality=\"" + modality + "\"}")
                        .contains("d2v_trainer_samples_unusable_total{modality=\"" + modality + "\"}")
                        .contains("d2v_trainer_loss{modality=\"" + modality + "\"}")
                        .contains("d2v_trainer_replay_samples{modality=\"" + modality + "\"} 0.0")
                        .contains("d2v_trainer_fresh_samples{modality=\"" + modality + "\"} 0.0")
                        .contains("d2v_trainer_heldout_loss{modality=\"" + modality + "\"} NaN")
                        .contains("d2v_trainer_heldout_loss_step{modality=\"" + modality + "\"} -1.0")
                        .contains("d2v_trainer_versions_total{decision=\"rejected\",modality=\"" + modality + "\"}");
            }
            assertThat(get(base + "/health")).as("one object per loop, both running")
                    .contains("\"status\":\"UP\"")
                    .contains("\"text\":{\"running\":true").contains("\"image\":{\"running\":true")
                    .contains("\"audio\":{\"running\":true");
        }
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
