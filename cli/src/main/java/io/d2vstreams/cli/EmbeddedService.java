package io.d2vstreams.cli;

import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.devstack.RegistryAuth;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded stack as a long-running service ({@code d2v up}): broker, registry, pipeline
 * and trainer on one data directory. Everything durable lives in that directory (topics,
 * schemas, models, training checkpoints), so starting again on it (also after {@code kill -9})
 * carries on where the last run stopped.
 */
public final class EmbeddedService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedService.class);

    /**
     * Ports of the embedded default (DESIGN.md); 0 picks free ports, for tests.
     *
     * @param registryAuth who may write to the registry; with users, the pipeline and trainer of the
     *     service get a generated user of their own ({@link #SERVICE_USER})
     * @param partitions   {@code topic.partitions}: the most pipeline instances that can share the input topics
     */
    public record Options(Path dataDir, String host, int kafkaPort, int registryPort, int metricsPort,
                          int trainerMetricsPort, RegistryAuth registryAuth, int partitions) {
        public Options {
            Objects.requireNonNull(registryAuth, "registryAuth");
            if (registryAuth.users().contains(SERVICE_USER)) {
                throw new IllegalArgumentException("the registry users name " + SERVICE_USER
                        + ", which d2v up keeps for its own pipeline and trainer; choose another name");
            }
        }

        public static Options defaults(Path dataDir) {
            return new Options(dataDir, "localhost", 9092, 8081, 9400, 9401, RegistryAuth.none(),
                    PipelineConfig.defaults().topicPartitions());
        }
    }

    /** The registry user of the service's own pipeline and trainer when the registry has users. */
    public static final String SERVICE_USER = "d2v-up";
    private static final int SERVICE_PASSWORD_BYTES = 24;

    private final DevStack stack;
    private final EmbeddingPipeline pipeline;
    private final TrainerWorker trainer;
    private final TrainerTelemetry trainerTelemetry;
    private final CompletableFuture<Void> ready;

    private EmbeddedService(DevStack stack, EmbeddingPipeline pipeline, TrainerWorker trainer,
                            TrainerTelemetry trainerTelemetry, CompletableFuture<Void> ready) {
        this.stack = stack;
        this.pipeline = pipeline;
        this.trainer = trainer;
        this.trainerTelemetry = trainerTelemetry;
        this.ready = ready;
    }

    public static EmbeddedService start(Options options) {
        long started = System.nanoTime();
        RegistryAuth auth = options.registryAuth();
        Map<String, String> registryCredentials = Map.of();
        if (auth.enabled()) {
            // A password of its own, made for this run and kept in memory only: no file holds it.
            String password = randomPassword();
            auth = auth.withUser(SERVICE_USER, password);
            registryCredentials = Map.of(RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "USER_INFO",
                    RegistryClientConfig.BASIC_AUTH_USER_INFO_CONFIG, SERVICE_USER + ":" + password);
        }
        DevStack stack = DevStack.start(DevStackOptions.builder(stackDir(options.dataDir()))
                .host(options.host()).kafkaPort(options.kafkaPort()).registryPort(options.registryPort())
                .registryAuth(auth).build());
        try {
            Map<String, String> pipelineSettings = new HashMap<>(registryCredentials);
            pipelineSettings.putAll(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    // Topics an earlier run created keep their own count (TopicSetup logs a difference).
                    PipelineConfig.TOPIC_PARTITIONS, Integer.toString(options.partitions()),
                    PipelineConfig.METRICS_PORT, Integer.toString(options.metricsPort()),
                    PipelineConfig.MODEL_STORE_DIR, options.dataDir().resolve("models").toString()));
            EmbeddingPipeline pipeline = EmbeddingPipeline.start(PipelineConfig.from(pipelineSettings));
            TrainerWorker trainer;
            TrainerTelemetry trainerTelemetry;
            try {
                Map<String, String> trainerSettings = new HashMap<>(registryCredentials);
                trainerSettings.putAll(Map.of(
                        TrainerWorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                        TrainerWorkerConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                        TrainerWorkerConfig.MODEL_STORE_DIR, options.dataDir().resolve("models").toString(),
                        // One folder per modality below it; TEXT's is checkpoints/text, where it always was.
                        TrainerWorkerConfig.CHECKPOINT_DIR, options.dataDir().resolve("checkpoints").toString()));
                // After the pipeline: it creates the topics the trainer waits for and seeds the store.
                trainer = TrainerWorker.start(TrainerWorkerConfig.from(trainerSettings));
                trainerTelemetry = serveTrainerMetrics(trainer, options);
            } catch (RuntimeException e) {
                pipeline.close();
                throw e;
            }
            log.info("event=service_started kafka={} registry={} data_dir={} startup_ms={}", stack.bootstrapServers(),
                    stack.registryUrl(), options.dataDir().toAbsolutePath(), (System.nanoTime() - started) / 1_000_000);
            // The broker and registry answer before the schemas exist: clients wait for this line (or /health).
            CompletableFuture<Void> ready = pipeline.ready().thenRun(() -> log.info(
                    "event=service_ready kafka={} registry={} health={} partitions={} ready_ms={}", stack.bootstrapServers(),
                    stack.registryUrl(), healthUrl(options, pipeline), options.partitions(),
                    (System.nanoTime() - started) / 1_000_000));
            return new EmbeddedService(stack, pipeline, trainer, trainerTelemetry, ready);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** Where the broker and registry of a data directory keep their state ({@code d2v up --only broker,registry} too). */
    static Path stackDir(Path dataDir) {
        return dataDir.resolve("stack");
    }

    private static String randomPassword() {
        byte[] bytes = new byte[SERVICE_PASSWORD_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    public String registryUrl() {
        return stack.registryUrl();
    }

    public EmbeddingPipeline pipeline() {
        return pipeline;
    }

    /**
     * Completes once the stack is ready (logged as {@code event=service_ready}): topics created,
     * schemas registered, the pipeline's stream threads RUNNING and the trainer started.
     */
    public CompletableFuture<Void> ready() {
        return ready.copy();
    }

    private static String healthUrl(Options options, EmbeddingPipeline pipeline) {
        return pipeline.metricsPort().isPresent()
                ? "http://" + options.host() + ":" + pipeline.metricsPort().getAsInt() + "/health" : "off";
    }

    private static TrainerTelemetry serveTrainerMetrics(TrainerWorker trainer, Options options) {
        try {
            return TrainerTelemetry.serve(trainer, options.host(), options.trainerMetricsPort());
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    public TrainerWorker trainer() {
        return trainer;
    }

    /** Trainer first (it writes a last checkpoint), then the pipeline, then the broker they both use. */
    @Override
    public void close() {
        try {
            if (trainerTelemetry != null) {
                trainerTelemetry.close();
            }
            trainer.close();
        } finally {
            try {
                pipeline.close();
            } finally {
                stack.close();
            }
        }
    }
}
