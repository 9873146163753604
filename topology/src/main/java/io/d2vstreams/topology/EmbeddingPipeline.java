package io.d2vstreams.topology;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelId;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.topology.internal.ServedModel;
import io.d2vstreams.topology.internal.StreamsApp;
import io.d2vstreams.topology.internal.TextBatchEncoder;
import io.d2vstreams.topology.internal.TextEventDecoder;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

/**
 * The embedding pipeline as a running service: registers the schemas, creates missing
 * topics, loads the ACTIVE encoders and follows {@code d2v.models} for new ones, and runs the
 * embedding topology plus (unless disabled) the sampling topology as its own Streams app.
 * More processes with the same application id share the input partitions.
 */
public final class EmbeddingPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddingPipeline.class);
    /** Appended to the application id for the sampling topology's own Streams app. */
    public static final String SAMPLER_SUFFIX = "-sampler";

    private final PipelineConfig config;
    private final SchemaRegistryClient registry;
    private final ModelHolder<String> textModel;
    private final ModelFollower follower;
    private final StreamsApp embedding;
    private final Optional<StreamsApp> sampling;
    private final PipelineTelemetry telemetry;

    private EmbeddingPipeline(PipelineConfig config, SchemaRegistryClient registry, ModelHolder<String> textModel,
                              ModelFollower follower, StreamsApp embedding, Optional<StreamsApp> sampling,
                              PipelineTelemetry telemetry) {
        this.config = config;
        this.registry = registry;
        this.textModel = textModel;
        this.follower = follower;
        this.embedding = embedding;
        this.sampling = sampling;
        this.telemetry = telemetry;
    }

    /** Starts the pipeline; returns once the streams clients are started (not necessarily RUNNING yet). */
    public static EmbeddingPipeline start(PipelineConfig config) {
        long started = System.nanoTime();
        log.info("event=pipeline_starting config={}", config.describe());
        SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(config.registryProperties()));
        ModelHolder<String> textModel = null;
        ModelFollower follower = null;
        StreamsApp embedding = null;
        PipelineTelemetry telemetry = new PipelineTelemetry();
        try {
            SchemaSetup.registerAll(registry, config.topics());
            TopicSetup.ensureTopics(config.clientProperties(), config.topics(), config.topicPartitions(),
                    config.topicReplicationFactor());
            ModelStore store = new ModelStore(config.modelStoreDir());
            follower = new ModelFollower(config, registry, store);
            EncoderOptions textOptions = encoderOptions(config);
            textModel = new ModelHolder<>(store.loadText(startingVersion(config, store, follower, Modality.TEXT), textOptions));

            telemetry.metrics().watchModel(Modality.TEXT, textModel);
            embedding = StreamsApp.start(config.applicationId(),
                    embeddingTopology(config, registry, textModel, telemetry.metrics()),
                    streamsProperties(config, config.applicationId()));
            telemetry.bind(embedding);
            Optional<StreamsApp> sampling = Optional.empty();
            if (config.samplingEnabled()) {
                String samplerId = config.applicationId() + SAMPLER_SUFFIX;
                sampling = Optional.of(StreamsApp.start(samplerId, samplingTopology(config, registry),
                        streamsProperties(config, samplerId)));
                telemetry.bind(sampling.get());
            }
            StreamsApp embeddingApp = embedding;
            Optional<StreamsApp> samplingApp = sampling;
            ModelHolder<String> textHolder = textModel;
            telemetry.serve(config, () -> health(embeddingApp, samplingApp, textHolder));
            follower.follow(List.of(new ServedModel<>(Modality.TEXT, textModel, m -> store.loadText(m, textOptions))));
            log.info("event=pipeline_started application_id={} text_model={} sampling={} startup_ms={}",
                    config.applicationId(), textModel.current(), config.samplingEnabled(),
                    (System.nanoTime() - started) / 1_000_000);
            return new EmbeddingPipeline(config, registry, textModel, follower, embedding, sampling, telemetry);
        } catch (RuntimeException e) {
            closeQuietly(telemetry);
            closeQuietly(embedding);
            closeQuietly(follower);
            closeQuietly(textModel);
            registry.close();
            throw e;
        }
    }

    /** The embedding topology this pipeline runs, for {@code describe()} and tests. */
    public static Topology embeddingTopology(PipelineConfig config, SchemaRegistryClient registry,
                                             ModelHolder<String> textModel, PipelineMetrics metrics) {
        return EmbeddingTopology.addPath(new Topology(), config.topics(), new EmbeddingTopology.ModalityPath(
                        Modality.TEXT, config.textBatch(), textDecoder(config, registry), new TextBatchEncoder(textModel),
                        metrics),
                new SpecificAvroSerializer<Embedding>(registry));
    }

    /** Healthy when every streams client is RUNNING and every served modality has a model. */
    private static MetricsServer.Health health(StreamsApp embedding, Optional<StreamsApp> sampling, ModelHolder<String> text) {
        KafkaStreams.State embeddingState = embedding.state();
        String samplingState = sampling.map(s -> s.state().name()).orElse("DISABLED");
        boolean healthy = embeddingState == KafkaStreams.State.RUNNING
                && (sampling.isEmpty() || sampling.get().state() == KafkaStreams.State.RUNNING);
        String json = String.format("{\"status\":\"%s\",\"embedding\":\"%s\",\"sampling\":\"%s\",\"models\":{\"text\":%d}}",
                healthy ? "UP" : "DOWN", embeddingState, samplingState, text.current().version());
        return new MetricsServer.Health(healthy, json);
    }

    /** The sampling topology this pipeline runs. */
    public static Topology samplingTopology(PipelineConfig config, SchemaRegistryClient registry) {
        return SamplingTopology.addPath(new Topology(), config.topics(), Modality.TEXT, textDecoder(config, registry),
                config.textSampling(), new SpecificAvroSerializer<TrainingSample>(registry));
    }

    private static TextEventDecoder textDecoder(PipelineConfig config, SchemaRegistryClient registry) {
        return new TextEventDecoder(new SpecificAvroDeserializer<>(registry, TextEvent.class), config.textMaxChars());
    }

    /** The log's ACTIVE version, else the store's newest, else a freshly generated seeded default. */
    private static ModelManifest startingVersion(PipelineConfig config, ModelStore store, ModelFollower follower,
                                                 Modality modality) {
        return follower.startingVersion(modality, follower.catchUp()).orElseGet(() -> {
            log.info("event=model_init modality={} seed={} store={}", modality, config.modelSeed(), store.root());
            return store.initDefault(modality, config.modelSeed());
        });
    }

    private static EncoderOptions encoderOptions(PipelineConfig config) {
        return EncoderOptions.defaults()
                .withThreads(config.encoderThreads(), 0)
                .withMaxBatch(config.textBatch().maxSize());
    }

    static Properties streamsProperties(PipelineConfig config, String applicationId) {
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // Kafka 5.0 turns this on by default; opting in now keeps behaviour the same across the upgrade.
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Wall-clock punctuation, which drains partly filled batches, runs between polls:
        // a poll shorter than the batch wait keeps the wait bound honest when traffic stops.
        props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, Math.max(1L, Math.min(100L, config.textBatch().maxWait().toMillis())));
        return props;
    }

    public ModelId activeModel(Modality modality) {
        if (modality != Modality.TEXT) {
            throw new IllegalArgumentException(modality + " is not served by this pipeline yet; only TEXT is");
        }
        return textModel.current();
    }

    public KafkaStreams.State state() {
        return embedding.state();
    }

    /** Blocks until every streams client of the pipeline is RUNNING. */
    public void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
        embedding.awaitRunning(timeout);
        if (sampling.isPresent()) {
            sampling.get().awaitRunning(timeout);
        }
    }

    /** The port /metrics and /health are served on, when they are. */
    public OptionalInt metricsPort() {
        return telemetry.port();
    }

    public PipelineConfig config() {
        return config;
    }

    @Override
    public void close() {
        log.info("event=pipeline_stopping application_id={}", config.applicationId());
        telemetry.close();
        follower.close();
        sampling.ifPresent(StreamsApp::close);
        embedding.close();
        textModel.close();
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
