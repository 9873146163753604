package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.TensorBundle;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.schemas.ModelVersionKeys;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.ServingVersions;
import io.d2vstreams.trainer.export.CandidateExporter;
import io.d2vstreams.trainer.internal.VersionFiles;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TEXT worker against an in-process broker and registry: samples in, steps, a checkpoint
 * with committed offsets, candidates through the real gate, announcements on d2v.models.
 */
@DisplayName("TrainerWorker on the embedded stack")
class TrainerWorkerIT {

    @TempDir
    Path dir;

    @Test
    @DisplayName("trains on the samples, announces a CANDIDATE then ACTIVE, and REJECTS a broken candidate while the previous one keeps serving")
    void trainsGatesAndAnnounces() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            String bootstrap = stack.bootstrapServers();
            TrainerTestKit.createTopics(bootstrap, 2);
            TrainerTestKit.produceTextSamples(bootstrap, registry, 0, 300);
            Map<String, String> settings = new HashMap<>(TrainerTestKit.smallSettings(bootstrap, stack.registryUrl(), dir));
            settings.put(TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "10");
            TrainerWorkerConfig config = TrainerWorkerConfig.from(settings);
            ModelStore store = new ModelStore(config.modelStoreDir());

            // The second export is a genuinely broken version (a NaN weight), judged by the real gate.
            AtomicInteger exports = new AtomicInteger();
            CandidateExporter exporter = (trainer, s) -> exports.incrementAndGet() == 2
                    ? s.add(TextSpec.INSTANCE, trainer.modelName(), ((TextData2VecTrainer) trainer).textConfig(), withNaN(trainer.studentWeights()),
                            VersionFiles.read(s.version(Modality.TEXT, 1).orElseThrow(), ModelStore.TOKENIZER_FILE))
                    : trainer.exportTo(s);

            TrainerWorker worker = TrainerWorker.start(config, exporter);
            try (worker) {
                await("two gate decisions").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> worker.progress().decisions().size() >= 2 || worker.failure().isPresent());
                assertThat(worker.failure()).as("the worker did not fail").isEmpty();
            }
            TrainerWorker.Progress progress = worker.progress();
            assertThat(progress.running()).as("stopped by close()").isFalse();
            assertThat(progress.baseVersion()).as("started from the seeded v1 it made in the empty store").isEqualTo(1);
            assertThat(progress.completedSteps()).as("steps run").isGreaterThanOrEqualTo(20);
            assertThat(progress.decisions()).as("decisions").hasSizeGreaterThanOrEqualTo(2);
            TrainerWorker.Decision accepted = progress.decisions().get(0);
            TrainerWorker.Decision rejected = progress.decisions().get(1);
            assertThat(accepted.status()).as("first export: %s", accepted.reason()).isEqualTo(ModelStatus.ACTIVE);
            assertThat(accepted.version()).isEqualTo(2);
            assertThat(rejected.status()).isEqualTo(ModelStatus.REJECTED);
            assertThat(rejected.version()).isEqualTo(3);
            assertThat(rejected.reason()).as("the rejection says why").contains("parity").contains("NaN");
            assertThat(store.version(Modality.TEXT, 2)).as("the accepted version is in the store").isPresent();

            List<ModelVersion> log = TrainerTestKit.announcements(bootstrap, registry);
            assertThat(log).extracting(v -> v.getVersion() + " " + v.getStatus()).as("d2v.models in order")
                    .startsWith("1 ACTIVE", "2 CANDIDATE", "2 ACTIVE", "3 CANDIDATE", "3 REJECTED");
            ModelVersion active2 = log.get(2);
            assertThat(active2.getParentVersion()).as("lineage").isEqualTo(1);
            assertThat(active2.getSha256()).as("digest of the store version")
                    .isEqualTo(store.version(Modality.TEXT, 2).orElseThrow().digest());
            assertThat(active2.getUri()).isEqualTo("text/v2");
            assertThat(active2.getMetrics()).as("gate measurements announced")
                    .containsKeys("parity_max_abs_diff", "heldout_loss", "active_heldout_loss", "embedding_variance",
                            "effective_rank");
            assertThat(log.get(4).getReason()).as("REJECTED record's reason").contains("parity");
            // The serving version right after the rejection, by the rule the pipeline serves by
            // (the worker may have gone on to export more before it was closed).
            ServingVersions fold = new ServingVersions();
            log.subList(0, 5).forEach(v -> fold.apply(ModelVersionKeys.keyOf(v), v));
            assertThat(fold.active(io.d2vstreams.avro.Modality.TEXT).map(ModelVersion::getVersion))
                    .as("the previous version stays the serving one").contains(2);
            assertThat(log).filteredOn(v -> v.getVersion() == 3 && v.getStatus() == ModelStatus.ACTIVE)
                    .as("the broken version is never ACTIVE").isEmpty();
            // close() wrote a last checkpoint at the final step and committed its offsets.
            CheckpointInfo last;
            try (TextData2VecTrainer probe = TextData2VecTrainer.fromStore(store, store.version(Modality.TEXT, 1).orElseThrow(),
                    config.training())) {
                last = probe.restoreLatest(config.checkpointDir(Modality.TEXT)).orElseThrow();
            }
            assertThat(last.step()).as("final checkpoint").isEqualTo(progress.completedSteps());
            Map<Integer, Long> checkpointed = new HashMap<>();
            last.extra().forEach((k, v) -> {
                if (k.startsWith("offset.")) {
                    checkpointed.put(Integer.parseInt(k.substring(k.lastIndexOf('.') + 1)), Long.parseLong(v));
                }
            });
            assertThat(TrainerTestKit.committedOffsets(bootstrap, config.textGroupId()))
                    .as("committed offsets = the checkpoint's").isEqualTo(checkpointed);
        }
    }

    @Test
    @DisplayName("waits for its topics without creating them, and a close while waiting is a clean stop")
    void waitsForTopics() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build())) {
            TrainerWorkerConfig config = TrainerWorkerConfig.from(
                    TrainerTestKit.smallSettings(stack.bootstrapServers(), stack.registryUrl(), dir));
            TrainerWorker worker = TrainerWorker.start(config);
            try (worker) {
                await("the worker is up").atMost(Duration.ofSeconds(30)).until(() -> worker.progress().running());
            }
            assertThat(worker.awaitTermination(Duration.ofSeconds(1))).as("stopped").isTrue();
            assertThat(worker.failure()).as("a clean stop, not a failure").isEmpty();
            assertThat(worker.progress().completedSteps()).isZero();
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).as("no topic auto-created")
                        .doesNotContain(TrainerTestKit.TOPICS.models(), TrainerTestKit.TOPICS.trainingSamples());
            }
        }
    }

    @Test
    @DisplayName("exports on the time trigger when the step trigger is far off")
    void exportsOnTime() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            TrainerTestKit.createTopics(stack.bootstrapServers(), 1);
            TrainerTestKit.produceTextSamples(stack.bootstrapServers(), registry, 0, 120);
            Map<String, String> settings = new HashMap<>(
                    TrainerTestKit.smallSettings(stack.bootstrapServers(), stack.registryUrl(), dir));
            settings.put(TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "1000000");
            settings.put(TrainerWorkerConfig.EXPORT_INTERVAL_SECONDS, "1");
            TrainerWorker worker = TrainerWorker.start(TrainerWorkerConfig.from(settings));
            try (worker) {
                await("a decision on the time trigger").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !worker.progress().decisions().isEmpty() || worker.failure().isPresent());
            }
            assertThat(worker.failure()).isEmpty();
            TrainerWorker.Decision first = worker.progress().decisions().get(0);
            assertThat(first.step()).as("exported long before a million steps").isBetween(1L, 1000L);
            assertThat(first.accepted()).as("accepted: %s", first.reason()).isTrue();
        }
    }

    @Test
    @DisplayName("started while its registry is down: nothing read until the registry answers, then every sample once")
    void registryDownAtStart() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            TrainerTestKit.createTopics(stack.bootstrapServers(), 2);
            TrainerTestKit.produceTextSamples(stack.bootstrapServers(), registry, 0, 100);
            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            // The worker's registry is a second one, on the same schema log, not yet started.
            TrainerWorkerConfig config = TrainerWorkerConfig.from(TrainerTestKit.smallSettings(stack.bootstrapServers(),
                    "http://localhost:" + port, dir));
            TrainerWorker worker = TrainerWorker.start(config);
            try (worker) {
                await("no sample read while the registry is down").during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> worker.progress().running() && worker.progress().samplesRead() == 0);
                try (io.d2vstreams.devstack.EmbeddedSchemaRegistry second = io.d2vstreams.devstack.EmbeddedSchemaRegistry.start(
                        io.d2vstreams.devstack.RegistryOptions.builder(stack.bootstrapServers()).port(port).build())) {
                    await("every sample read once the registry answers").atMost(Duration.ofMinutes(1))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> worker.progress().samplesRead() >= 100 && worker.progress().completedSteps() > 0
                                    || worker.failure().isPresent());
                    assertThat(worker.failure()).as("the outage did not end the worker").isEmpty();
                    assertThat(worker.progress().samplesRead()).as("each sample read once").isEqualTo(100);
                }
            }
        }
    }

    static TensorBundle withNaN(TensorBundle weights) {
        TensorBundle.Builder b = TensorBundle.builder();
        for (String name : weights.names()) {
            float[] data = weights.get(name).data().clone();
            if (name.endsWith("attention.output.dense.weight")) {
                data[0] = Float.NaN;
            }
            b.put(name, weights.get(name).shape(), data);
        }
        return b.build();
    }
}
