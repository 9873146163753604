package io.d2vstreams.topology;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillCoordinator;
import io.d2vstreams.topology.internal.BatchEncoder;
import io.d2vstreams.topology.internal.EventDecoder;
import io.d2vstreams.topology.internal.ServedModel;
import io.d2vstreams.topology.internal.StreamsApp;
import io.d2vstreams.topology.internal.UriFetcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding pipeline as a running service: registers the schemas, creates missing
 * topics, loads the ACTIVE encoder of each modality (text, image, audio) and follows
 * {@code d2v.models} for new ones, and runs the
 * embedding topology plus (unless disabled) the sampling topology as its own Streams app.
 * More processes with the same application id share the input partitions.
 */
public final class EmbeddingPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddingPipeline.class);
    /** Appended to the application id for the sampling topology's own Streams app. */
    public static final String SAMPLER_SUFFIX = "-sampler";

    private final PipelineConfig config;
    private final SchemaRegistryClient registry;
    private final ServingModels models;
    private final ModelFollower follower;
    private final StreamsApp embedding;
    private final Optional<StreamsApp> sampling;
    private final PipelineTelemetry telemetry;
    private final PipelineHealth health;
    private final Optional<BackfillCoordinator> backfill;

    private EmbeddingPipeline(PipelineConfig config, SchemaRegistryClient registry, ServingModels models,
                              ModelFollower follower, StreamsApp embedding, Optional<StreamsApp> sampling,
                              PipelineTelemetry telemetry, PipelineHealth health, Optional<BackfillCoordinator> backfill) {
        this.config = config;
        this.registry = registry;
        this.models = models;
        this.follower = follower;
        this.embedding = embedding;
        this.sampling = sampling;
        this.telemetry = telemetry;
        this.health = health;
        this.backfill = backfill;
    }

    /**
     * Starts the pipeline; returns once the streams clients are started (not necessarily RUNNING
     * yet: {@link #ready()} says when). {@code /health} answers from the start, STARTING until then.
     */
    public static EmbeddingPipeline start(PipelineConfig config) {
        return start(config, EncoderLoader::from);
    }

    /**
     * Starts the pipeline with encoders opened by {@code loaders} (given the model store) instead of
     * the store's own loading: for benches and tests that measure the stream without the model.
     */
    public static EmbeddingPipeline start(PipelineConfig config, Function<ModelStore, EncoderLoader> loaders) {
        long started = System.nanoTime();
        log.info("event=pipeline_starting config={}", config.describe());
        SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(config.registryProperties()));
        List<AutoCloseable> opened = new ArrayList<>();
        ModelFollower follower = null;
        StreamsApp embedding = null;
        BackfillCoordinator backfill = null;
        PipelineTelemetry telemetry = new PipelineTelemetry();
        PipelineHealth health = new PipelineHealth(config);
        try {
            // First, so that a client polling /health sees STARTING rather than a refused connection.
            telemetry.serve(config, health::health);
            health.phase("registering schemas");
            SchemaSetup.registerAll(registry, config.topics());
            health.phase("creating topics");
            TopicSetup.ensureTopics(config.clientProperties(), config.topics(), RecordLimits.of(config), config.topicPartitions(),
                    config.topicReplicationFactor());
            health.phase("loading models");
            ModelStore store = new ModelStore(config.modelStoreDir());
            EncoderLoader loader = loaders.apply(store);
            follower = new ModelFollower(config, registry, store);
            follower.catchUp();
            ModelFollower caughtUp = follower; // effectively final, for the lambda
            ServingModels models = ServingModels.open(loader, modality -> startingVersion(config, store, caughtUp, modality),
                    modality -> encoderOptions(config, modality));
            opened.add(models);
            for (Modality modality : Modality.values()) {
                telemetry.metrics().watchModel(modality, models.holder(modality));
            }

            health.phase("starting stream threads");
            embedding = StreamsApp.start(config.applicationId(),
                    embeddingTopology(config, registry, models, telemetry.metrics()),
                    embeddingStreamsProperties(config, telemetry.metrics()));
            telemetry.bind(embedding);
            Optional<StreamsApp> sampling = Optional.empty();
            if (config.samplingEnabled()) {
                String samplerId = config.applicationId() + SAMPLER_SUFFIX;
                sampling = Optional.of(StreamsApp.start(samplerId, samplingTopology(config, registry),
                        streamsProperties(config, samplerId)));
                telemetry.bind(sampling.get());
            }
            health.watch(embedding, sampling, models, telemetry.metrics()::recordsOut);
            follower.follow(Arrays.stream(Modality.values()).<ServedModel<?>>map(modality -> served(ServingSpec.of(modality),
                    models, loader, encoderOptions(config, modality))).toList());
            if (config.backfillEnabled()) {
                backfill = new BackfillCoordinator(new BackfillCoordinator.Settings(config.clientProperties(),
                        config.topics().backfill(), config.topics()::events, config.topics()::embeddings,
                        config.backfillAuto()), new BackfillWorkers(config, registry, store, loader,
                        modality -> encoderOptions(config, modality), telemetry.metrics()),
                        new SpecificAvroDeserializer<>(registry, BackfillEvent.class), new SpecificAvroSerializer<>(registry));
                backfill.start();
            }
            log.info("event=pipeline_started application_id={} models=\"{}\" sampling={} startup_ms={}",
                    config.applicationId(), models.describe(), config.samplingEnabled(),
                    (System.nanoTime() - started) / 1_000_000);
            return new EmbeddingPipeline(config, registry, models, follower, embedding, sampling, telemetry, health,
                    Optional.ofNullable(backfill));
        } catch (RuntimeException e) {
            closeQuietly(backfill);
            closeQuietly(telemetry);
            closeQuietly(health);
            closeQuietly(embedding);
            closeQuietly(follower);
            opened.forEach(EmbeddingPipeline::closeQuietly);
            registry.close();
            throw e;
        }
    }

    /** The follower's handle on the modality's slot: later versions open as its first did. */
    private static <I> ServedModel<I> served(ServingSpec<I> spec, ServingModels models, EncoderLoader loader,
            EncoderOptions options) {
        return spec.served(models.holder(spec), loader, options);
    }

    /** The embedding topology this pipeline runs: the text, image and audio paths in one Streams app. */
    public static Topology embeddingTopology(PipelineConfig config, SchemaRegistryClient registry,
                                             ServingModels models, PipelineMetrics metrics) {
        Serializer<Embedding> embeddings = new SpecificAvroSerializer<>(registry);
        Serializer<BackfillEvent> swapPoints = new SpecificAvroSerializer<>(registry);
        UriFetcher fetcher = new UriFetcher(config.uriPolicy());
        RecordLimits limits = RecordLimits.of(config);
        Topology topology = new Topology();
        for (Modality m : Modality.values()) {
            EmbeddingTopology.addPath(topology, config.topics(), new EmbeddingTopology.ModalityPath(m, config.batch(m),
                    decoder(config, registry, m, fetcher), batchEncoder(models, m), metrics, limits), embeddings, swapPoints);
        }
        return topology;
    }

    /**
     * The sampling topology this pipeline runs: every modality, one Streams app. Image and audio
     * samples come from inline content only: fetching a URI a second time for training would
     * double the load on its host, so URI events are not sampled.
     */
    public static Topology samplingTopology(PipelineConfig config, SchemaRegistryClient registry) {
        Serializer<TrainingSample> samples = new SpecificAvroSerializer<>(registry);
        UriFetcher noFetching = new UriFetcher(UriPolicy.NONE);
        Topology topology = new Topology();
        for (Modality m : Modality.values()) {
            SamplingTopology.addPath(topology, config.topics(), m, decoder(config, registry, m, noFetching),
                    config.sampling(m), samples);
        }
        return topology;
    }

    /** The modality's decoder: its Avro reader and its input limit, fetching URIs through {@code fetcher} (media only). */
    static EventDecoder decoder(PipelineConfig config, SchemaRegistryClient registry, Modality modality, UriFetcher fetcher) {
        return ServingSpec.of(modality).decoder(config, registry, fetcher);
    }

    /** The modality's batch encoder over its serving slot. */
    static BatchEncoder batchEncoder(ServingModels models, Modality modality) {
        return batchEncoder(models, ServingSpec.of(modality));
    }

    private static <I> BatchEncoder batchEncoder(ServingModels models, ServingSpec<I> spec) {
        return spec.batchEncoder(models.holder(spec));
    }

    /**
     * The log's ACTIVE version, else the store's newest, else a freshly generated seeded default
     * (see {@link ModelFollower#startingVersion}). A store whose every version was refused does not
     * start: serving one of them is what the refusal is there to prevent.
     */
    private static ModelManifest startingVersion(PipelineConfig config, ModelStore store, ModelFollower follower,
                                                 Modality modality) {
        return follower.startingVersion(modality).orElseGet(() -> {
            if (store.latest(modality).isPresent()) {
                throw new IllegalStateException("no " + modality.folderName() + " version can serve: every one in "
                        + store.root() + " was refused (see the event=model_rejected lines); announce a valid one "
                        + "with d2v models promote");
            }
            log.info("event=model_init modality={} seed={} store={}", modality, config.modelSeed(), store.root());
            // latestOrSeed: a trainer sharing the store may be seeding the same empty modality right now.
            return store.latestOrSeed(modality, config.modelSeed());
        });
    }

    static EncoderOptions encoderOptions(PipelineConfig config, Modality modality) {
        return EncoderOptions.defaults()
                .withDevice(config.encoderDevice())
                .withThreads(config.encoderThreads(), 0)
                .withSpinWait(config.encoderSpinWait())
                .withMaxBatch(encoderRunSize(config, modality));
    }

    /** The encoder's run size: the micro-batch, or runs of encoder.max.run.size when the micro-batch is larger. */
    static int encoderRunSize(PipelineConfig config, Modality modality) {
        return Math.min(config.batch(modality).maxSize(), config.encoderMaxRunSize());
    }

    /**
     * The embedding app's properties: Kafka Streams' processing exception handler dead-letters every
     * input record refused or failing as it is processed, instead of stopping the pipeline (the
     * sampling app keeps the default, since the embedding path already gives every input its one
     * output).
     */
    static Properties embeddingStreamsProperties(PipelineConfig config, PipelineMetrics metrics) {
        Properties props = streamsProperties(config, config.applicationId());
        DeadLetterProcessingExceptionHandler.streamsProperties(config.topics().deadLetters(),
                RecordLimits.of(config).derivedBytes()).forEach(props::putIfAbsent);
        Topics topics = config.topics();
        DeadLetterProcessingExceptionHandler.DeadLetterCount count = (topic, reason) ->
                topics.inputModality(topic).ifPresent(modality ->
                        metrics.deadLettered(Modality.valueOf(modality.name()), reason));
        props.put(DeadLetterProcessingExceptionHandler.DEAD_LETTER_COUNT_CONFIG, count);
        return props;
    }

    static Properties streamsProperties(PipelineConfig config, String applicationId) {
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // Kafka 5.0 turns this on by default; opting in now keeps behaviour the same across the upgrade.
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Wall-clock punctuation, which drains partly filled batches, runs between polls:
        // a poll shorter than the batch wait keeps the wait bound honest when traffic stops.
        long shortestWait = Arrays.stream(Modality.values()).mapToLong(m -> config.batch(m).maxWait().toMillis())
                .min().orElseThrow();
        props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, Math.max(1L, Math.min(100L, shortestWait)));
        // Buffered images and audio go through the changelog, and a dead letter or training sample can
        // be a little larger than the largest input: let the producer send records that large (the
        // changelogs, d2v.dlq and d2v.training.samples are created with a matching max.message.bytes).
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                RecordLimits.of(config).largestWrittenBytes());
        return props;
    }

    public ModelId activeModel(Modality modality) {
        return models.current(modality);
    }

    public KafkaStreams.State state() {
        return embedding.state();
    }

    /**
     * Stops embedding until {@link #resumeEmbedding}: the embedding app keeps its partitions and
     * fetches ahead, but processes no record and sends no batch by its wait ({@code KafkaStreams#pause}).
     * The pipeline bench builds a backlog with it, so that it times the pipeline, not its producer.
     */
    public void pauseEmbedding() {
        embedding.pause();
    }

    public void resumeEmbedding() {
        embedding.resume();
    }

    /** Blocks until every streams client of the pipeline is RUNNING. */
    public void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
        embedding.awaitRunning(timeout);
        if (sampling.isPresent()) {
            sampling.get().awaitRunning(timeout);
        }
    }

    /**
     * Completes once the pipeline is ready: schemas registered, topics created, models loaded and
     * every streams client RUNNING (also logged once, as {@code event=pipeline_ready}); from then
     * on {@code /health} says UP or DOWN instead of STARTING. Completes exceptionally when a
     * streams client fails before that.
     */
    public CompletableFuture<Void> ready() {
        return health.ready();
    }

    /** The port /metrics and /health are served on, when they are. */
    public OptionalInt metricsPort() {
        return telemetry.port();
    }

    /** The backfill side of this process, when {@code backfill.enabled}. */
    public Optional<BackfillCoordinator> backfill() {
        return backfill;
    }

    public PipelineConfig config() {
        return config;
    }

    @Override
    public void close() {
        log.info("event=pipeline_stopping application_id={}", config.applicationId());
        backfill.ifPresent(BackfillCoordinator::close);
        telemetry.close();
        health.close();
        follower.close();
        sampling.ifPresent(StreamsApp::close);
        embedding.close();
        models.close();
        registry.close();
        log.info("event=pipeline_stopped application_id={}", config.applicationId());
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("event=close_failed resource={} error=\"{}\"", resource.getClass().getSimpleName(), e.toString());
        }
    }
}
