package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.trainer.export.CandidateExporter;
import io.d2vstreams.trainer.gate.ParityCheck;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker with {@code trainer.modalities=TEXT,IMAGE} on an in-process broker and registry: one
 * samples topic with both modalities mixed, two loops that each keep their own, each with its
 * own consumer group, checkpoint folder and gate decisions on {@code d2v.models}; and a worker
 * with {@code trainer.modalities=AUDIO} on a topic of all three.
 */
@DisplayName("TrainerWorker training TEXT, IMAGE and AUDIO on the embedded stack")
class TrainerWorkerModalitiesIT {

    private static final int TEXTS = 96;
    private static final int IMAGES = 64;
    private static final int CLIPS = 48;

    @TempDir
    Path dir;

    @Test
    @DisplayName("each loop reads only its modality's samples, IMAGE sets corrupt images aside, both train, and IMAGE's candidate is judged and announced as IMAGE")
    void trainsTextAndImage() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            String bootstrap = stack.bootstrapServers();
            TrainerTestKit.createTopics(bootstrap, 2);
            // Interleaved, as the sampling topology writes them: both modalities in every partition,
            // and corrupt images among them, which the sampling topology samples as it finds them.
            List<byte[]> badImages = List.of(new byte[] {1, 2, 3, 4},
                    java.util.Arrays.copyOf(TinyImages.pngs(1, 900).get(0), 40));
            for (int chunk = 0; chunk < 4; chunk++) {
                TrainerTestKit.produceTextSamples(bootstrap, registry, chunk * TEXTS / 4, (chunk + 1) * TEXTS / 4);
                TrainerTestKit.produceImageSamples(bootstrap, registry, chunk * IMAGES / 4, (chunk + 1) * IMAGES / 4);
                if (chunk < badImages.size()) {
                    TrainerTestKit.produceImages(bootstrap, registry, List.of("img-bad-" + chunk), badImages.subList(chunk, chunk + 1));
                }
            }
            Map<String, String> settings = new HashMap<>(TrainerTestKit.smallSettings(bootstrap, stack.registryUrl(), dir));
            settings.put(TrainerWorkerConfig.MODALITIES, "TEXT,IMAGE");
            settings.put(TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "4");
            TrainerWorkerConfig config = TrainerWorkerConfig.from(settings);

            TrainerWorker worker = TrainerWorker.start(config);
            try (worker) {
                assertThat(worker.modalities()).as("one loop per configured modality").containsExactly(Modality.TEXT,
                        Modality.IMAGE);
                await("every sample read by its loop, and a gate decision on each modality").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> worker.failure().isPresent()
                                || worker.progress(Modality.TEXT).samplesRead() == TEXTS
                                        && worker.progress(Modality.IMAGE).samplesRead() == IMAGES + badImages.size()
                                        && !worker.progress(Modality.TEXT).decisions().isEmpty()
                                        && !worker.progress(Modality.IMAGE).decisions().isEmpty());
                assertThat(worker.failure()).as("no loop failed").isEmpty();
            }
            TrainerWorker.Progress text = worker.progress(Modality.TEXT);
            TrainerWorker.Progress image = worker.progress(Modality.IMAGE);
            assertThat(text.modality()).isEqualTo(Modality.TEXT);
            assertThat(image.modality()).isEqualTo(Modality.IMAGE);
            assertThat(text.samplesRead()).as("the TEXT loop counts only TEXT samples").isEqualTo(TEXTS);
            assertThat(image.samplesRead()).as("the IMAGE loop counts only IMAGE samples, corrupt ones included")
                    .isEqualTo(IMAGES + badImages.size());
            assertThat(image.samplesUnusable()).as("every corrupt image set aside on arrival and counted")
                    .isEqualTo(badImages.size());
            assertThat(text.completedSteps()).as("TEXT trained").isGreaterThanOrEqualTo(4);
            assertThat(image.completedSteps()).as("IMAGE trained").isGreaterThanOrEqualTo(4);
            assertThat(image.running()).as("stopped by close()").isFalse();

            TrainerWorker.Decision judged = image.decisions().get(0);
            assertThat(judged.status()).as("the gate's verdict on the IMAGE candidate")
                    .isIn(ModelStatus.ACTIVE, ModelStatus.REJECTED);
            assertThat(judged.reason()).as("with a reason").isNotBlank();
            assertThat(judged.metrics()).as("measured on images").containsKey(ParityCheck.METRIC);
            assertThat(judged.metrics().get(ParityCheck.METRIC)).as("ONNX parity of the IMAGE export").isLessThan(1e-4);
            ModelStore store = new ModelStore(config.modelStoreDir());
            assertThat(store.version(Modality.IMAGE, judged.version())).as("the IMAGE candidate is in the store").isPresent();

            List<ModelVersion> log = TrainerTestKit.announcements(bootstrap, registry);
            List<String> imageLog = log.stream().filter(v -> v.getModality() == io.d2vstreams.avro.Modality.IMAGE)
                    .map(v -> v.getVersion() + " " + v.getStatus()).toList();
            assertThat(imageLog).as("IMAGE announcements on d2v.models, in order")
                    .startsWith("1 ACTIVE", judged.version() + " CANDIDATE", judged.version() + " " + judged.status());
            ModelVersion verdict = log.stream().filter(v -> v.getModality() == io.d2vstreams.avro.Modality.IMAGE
                    && v.getVersion() == judged.version() && v.getStatus() == judged.status()).findFirst().orElseThrow();
            assertThat(verdict.getReason()).as("announced with the gate's reason").isEqualTo(judged.reason());
            assertThat(verdict.getUri()).isEqualTo("image/v" + judged.version());
            assertThat(log).filteredOn(v -> v.getModality() == io.d2vstreams.avro.Modality.TEXT)
                    .extracting(v -> v.getVersion() + " " + v.getStatus()).as("TEXT's announcements, apart")
                    .startsWith("1 ACTIVE", "2 CANDIDATE");

            // Each loop checkpointed in its own folder and committed those offsets in its own group.
            for (Modality modality : List.of(Modality.TEXT, Modality.IMAGE)) {
                CheckpointInfo last;
                try (Data2VecTrainer<?> reader = TrainingModality.of(modality).openTrainer(store,
                        store.version(modality, 1).orElseThrow(), config.training(modality))) {
                    last = reader.restoreLatest(config.checkpointDir(modality)).orElseThrow();
                }
                assertThat(last.step()).as("%s's final checkpoint", modality)
                        .isEqualTo(worker.progress(modality).completedSteps());
                assertThat(TrainerTestKit.committedOffsets(bootstrap, config.groupId(modality)))
                        .as("%s: group %s committed its checkpoint's offsets", modality, config.groupId(modality))
                        .isEqualTo(offsets(last)).containsOnlyKeys(0, 1);
            }
        }
    }

    @Test
    @DisplayName("an AUDIO worker reads only AUDIO samples, sets corrupt clips aside, trains, and its candidate is judged and announced as AUDIO")
    void trainsAudio() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            String bootstrap = stack.bootstrapServers();
            TrainerTestKit.createTopics(bootstrap, 2);
            List<String> badIds = List.of("aud-bad-0", "aud-bad-1", "aud-bad-2", "aud-bad-3");
            List<byte[]> bad = List.of(new byte[] {1, 2, 3, 4}, "not a wav at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    java.util.Arrays.copyOf(TinyAudio.wavs(1, 900).get(0), 30), new byte[] {'R', 'I', 'F', 'F', 0, 0});
            for (int chunk = 0; chunk < 4; chunk++) {
                TrainerTestKit.produceTextSamples(bootstrap, registry, chunk * TEXTS / 4, (chunk + 1) * TEXTS / 4);
                TrainerTestKit.produceImageSamples(bootstrap, registry, chunk * IMAGES / 4, (chunk + 1) * IMAGES / 4);
                TrainerTestKit.produceAudioSamples(bootstrap, registry, chunk * CLIPS / 4, (chunk + 1) * CLIPS / 4);
                TrainerTestKit.produceAudio(bootstrap, registry, badIds.subList(chunk, chunk + 1), bad.subList(chunk, chunk + 1));
            }
            Map<String, String> settings = new HashMap<>(TrainerTestKit.smallSettings(bootstrap, stack.registryUrl(), dir));
            settings.put(TrainerWorkerConfig.MODALITIES, "AUDIO");
            settings.put(TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "4");
            TrainerWorkerConfig config = TrainerWorkerConfig.from(settings);

            TrainerWorker worker = TrainerWorker.start(config);
            try (worker) {
                assertThat(worker.modalities()).as("one AUDIO loop").containsExactly(Modality.AUDIO);
                await("every AUDIO sample read, and a gate decision").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> worker.failure().isPresent()
                                || worker.progress(Modality.AUDIO).samplesRead() == CLIPS + bad.size()
                                        && !worker.progress(Modality.AUDIO).decisions().isEmpty());
                assertThat(worker.failure()).as("no loop failed").isEmpty();
            }
            TrainerWorker.Progress audio = worker.progress(Modality.AUDIO);
            assertThat(audio.modality()).isEqualTo(Modality.AUDIO);
            assertThat(audio.samplesRead()).as("the AUDIO loop counts only AUDIO samples, corrupt ones included")
                    .isEqualTo(CLIPS + bad.size());
            assertThat(audio.completedSteps()).as("AUDIO trained").isGreaterThanOrEqualTo(4);
            assertThat(audio.samplesUnusable()).as("every corrupt clip set aside on arrival and counted")
                    .isEqualTo(bad.size());

            TrainerWorker.Decision judged = audio.decisions().get(0);
            assertThat(judged.status()).as("the gate's verdict on the AUDIO candidate")
                    .isIn(ModelStatus.ACTIVE, ModelStatus.REJECTED);
            assertThat(judged.reason()).as("with a reason").isNotBlank();
            assertThat(judged.metrics().get(ParityCheck.METRIC)).as("ONNX parity of the AUDIO export").isLessThan(1e-4);
            ModelStore store = new ModelStore(config.modelStoreDir());
            assertThat(store.version(Modality.AUDIO, judged.version())).as("the AUDIO candidate is in the store").isPresent();
            assertThat(store.latest(Modality.TEXT)).as("no TEXT version trained").isEmpty();
            assertThat(store.latest(Modality.IMAGE)).as("no IMAGE version trained").isEmpty();

            List<ModelVersion> log = TrainerTestKit.announcements(bootstrap, registry);
            assertThat(log).extracting(v -> v.getModality()).as("only AUDIO is announced")
                    .containsOnly(io.d2vstreams.avro.Modality.AUDIO);
            assertThat(log).extracting(v -> v.getVersion() + " " + v.getStatus()).as("AUDIO announcements on d2v.models, in order")
                    .startsWith("1 ACTIVE", judged.version() + " CANDIDATE", judged.version() + " " + judged.status());
            ModelVersion verdict = log.stream().filter(v -> v.getVersion() == judged.version()
                    && v.getStatus() == judged.status()).findFirst().orElseThrow();
            assertThat(verdict.getReason()).as("announced with the gate's reason").isEqualTo(judged.reason());
            assertThat(verdict.getUri()).isEqualTo("audio/v" + judged.version());

            CheckpointInfo last;
            try (Data2VecTrainer<?> reader = TrainingModality.of(Modality.AUDIO).openTrainer(store,
                    store.version(Modality.AUDIO, 1).orElseThrow(), config.training(Modality.AUDIO))) {
                last = reader.restoreLatest(config.checkpointDir(Modality.AUDIO)).orElseThrow();
            }
            assertThat(last.step()).as("AUDIO's final checkpoint").isEqualTo(audio.completedSteps());
            assertThat(TrainerTestKit.committedOffsets(bootstrap, config.groupId(Modality.AUDIO)))
                    .as("group %s committed its checkpoint's offsets", config.groupId(Modality.AUDIO))
                    .isEqualTo(offsets(last)).containsOnlyKeys(0, 1);
        }
    }

    @Test
    @DisplayName("when the IMAGE loop fails, the TEXT loop stops too, with a last checkpoint, so that a restart resumes both")
    void oneFailureStopsAll() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            String bootstrap = stack.bootstrapServers();
            TrainerTestKit.createTopics(bootstrap, 1);
            TrainerTestKit.produceTextSamples(bootstrap, registry, 0, TEXTS);
            TrainerTestKit.produceImageSamples(bootstrap, registry, 0, IMAGES);
            Map<String, String> settings = new HashMap<>(TrainerTestKit.smallSettings(bootstrap, stack.registryUrl(), dir));
            settings.put(TrainerWorkerConfig.MODALITIES, "TEXT,IMAGE");
            settings.put(TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "4");
            settings.put(TrainerWorkerConfig.CHECKPOINT_INTERVAL_STEPS, "1000"); // only the stop writes one
            TrainerWorkerConfig config = TrainerWorkerConfig.from(settings);
            // A broken export of IMAGE, the kind of bug that ends a loop; it waits for TEXT's first
            // export, so that TEXT has steps to checkpoint when it is stopped.
            java.util.concurrent.CountDownLatch textExported = new java.util.concurrent.CountDownLatch(1);
            CandidateExporter exporter = (trainer, store) -> {
                if (trainer.modality() == Modality.IMAGE) {
                    try {
                        textExported.await(1, java.util.concurrent.TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("the IMAGE export broke");
                }
                ModelManifest exported = trainer.exportTo(store);
                textExported.countDown();
                return exported;
            };
            try (TrainerWorker worker = TrainerWorker.start(config, exporter)) {
                assertThat(worker.awaitTermination(Duration.ofMinutes(1))).as("every loop ended").isTrue();
                assertThat(worker.failure()).as("the IMAGE loop's failure").get()
                        .extracting(Throwable::getMessage).isEqualTo("the IMAGE export broke");
                TrainerWorker.Progress text = worker.progress(Modality.TEXT);
                assertThat(text.running()).as("TEXT stopped with it").isFalse();
                assertThat(text.completedSteps()).as("TEXT had trained").isGreaterThanOrEqualTo(4);
                ModelStore store = new ModelStore(config.modelStoreDir());
                try (Data2VecTrainer<String> reader = TextData2VecTrainer.fromStore(store,
                        store.version(Modality.TEXT, 1).orElseThrow(), config.training(Modality.TEXT))) {
                    assertThat(reader.restoreLatest(config.checkpointDir(Modality.TEXT)))
                            .as("TEXT's last checkpoint, at the step it stopped").map(CheckpointInfo::step)
                            .contains(text.completedSteps());
                }
            }
        }
    }

    private static Map<Integer, Long> offsets(CheckpointInfo checkpoint) {
        String prefix = "offset." + TrainerTestKit.TOPICS.trainingSamples() + ".";
        Map<Integer, Long> out = new TreeMap<>();
        checkpoint.extra().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(Integer.parseInt(k.substring(prefix.length())), Long.parseLong(v));
            }
        });
        return out;
    }
}
