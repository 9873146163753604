package io.d2vstreams.topology;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
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
import io.d2vstreams.topology.internal.TextBatchEncoder;
import io.d2vstreams.topology.internal.TextEventDecoder;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedding pipeline as a running service: registers the schemas, creates missing
 * topics, loads the active encoders from the model store and runs the embedding topology
 * until closed. One instance per process; more processes with the same application id
 * share the input partitions.
 */
public final class EmbeddingPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddingPipeline.class);

    private final PipelineConfig config;
    private final SchemaRegistryClient registry;
    private final ModelHolder<String> textModel;
    private final ModelFollower follower;
    private final KafkaStreams streams;
    private final CompletableFuture<Void> running;

    private EmbeddingPipeline(PipelineConfig config, SchemaRegistryClient registry, ModelHolder<String> textModel,
                              ModelFollower follower, KafkaStreams streams, CompletableFuture<Void> running) {
        this.config = config;
        this.registry = registry;
        this.textModel = textModel;
        this.follower = follower;
        this.streams = streams;
        this.running = running;
    }

    /** Starts the pipeline; returns once the streams client is started (not necessarily RUNNING yet). */
    public static EmbeddingPipeline start(PipelineConfig config) {
        long started = System.nanoTime();
        log.info("event=pipeline_starting config={}", config.describe());
        SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(config.registryProperties()));
        ModelHolder<String> textModel = null;
        ModelFollower follower = null;
        try {
            SchemaSetup.registerAll(registry, config.topics());
            TopicSetup.ensureTopics(config.clientProperties(), config.topics(), config.topicPartitions(),
                    config.topicReplicationFactor());
            ModelStore store = new ModelStore(config.modelStoreDir());
            follower = new ModelFollower(config, registry, store);
            ModelManifest textVersion = startingVersion(config, store, follower, Modality.TEXT);
            EncoderOptions textOptions = encoderOptions(config);
            textModel = new ModelHolder<>(store.loadText(textVersion, textOptions));
            Topology topology = topology(config, registry, textModel);
            KafkaStreams streams = new KafkaStreams(topology, streamsProperties(config));
            // A thread that dies on broken infrastructure (registry down, broker gone) is replaced:
            // it resumes from the last committed transaction, so nothing is lost or duplicated.
            streams.setUncaughtExceptionHandler(error -> {
                log.error("event=stream_thread_failed action=replace_thread error=\"{}\"", error.toString(), error);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            CompletableFuture<Void> running = new CompletableFuture<>();
            streams.setStateListener((newState, oldState) -> {
                log.info("event=pipeline_state from={} to={}", oldState, newState);
                if (newState == KafkaStreams.State.RUNNING) {
                    running.complete(null);
                } else if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.PENDING_SHUTDOWN) {
                    running.completeExceptionally(new IllegalStateException("pipeline went to " + newState + " while starting"));
                }
            });
            streams.start();
            follower.follow(List.of(new ServedModel<>(Modality.TEXT, textModel, m -> store.loadText(m, textOptions))));
            log.info("event=pipeline_started application_id={} text_model={} startup_ms={}",
                    config.applicationId(), textModel.current(), (System.nanoTime() - started) / 1_000_000);
            return new EmbeddingPipeline(config, registry, textModel, follower, streams, running);
        } catch (RuntimeException e) {
            if (follower != null) {
                follower.close();
            }
            if (textModel != null) {
                textModel.close();
            }
            registry.close();
            throw e;
        }
    }

    /** The topology this pipeline runs, for {@code describe()} and tests. */
    public static Topology topology(PipelineConfig config, SchemaRegistryClient registry, ModelHolder<String> textModel) {
        SpecificAvroSerializer<Embedding> embeddingSerializer = new SpecificAvroSerializer<>(registry);
        SpecificAvroDeserializer<TextEvent> textDeserializer = new SpecificAvroDeserializer<>(registry, TextEvent.class);
        Topology topology = new Topology();
        EmbeddingTopology.addPath(topology, config.topics(), new EmbeddingTopology.ModalityPath(Modality.TEXT,
                        config.textBatch(), new TextEventDecoder(textDeserializer, config.textMaxChars()),
                        new TextBatchEncoder(textModel)),
                embeddingSerializer);
        return topology;
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

    static Properties streamsProperties(PipelineConfig config) {
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        // Wall-clock punctuation, which drains partly filled batches, runs between polls:
        // a poll shorter than the batch wait keeps the wait bound honest when traffic stops.
        // Kafka 5.0 turns this on by default; opting in now keeps behaviour the same across the upgrade.
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
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
        return streams.state();
    }

    /** Blocks until the streams client is RUNNING. */
    public void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutException("pipeline not RUNNING after " + timeout + "; state " + streams.state());
        }
    }

    public PipelineConfig config() {
        return config;
    }

    @Override
    public void close() {
        log.info("event=pipeline_stopping application_id={}", config.applicationId());
        follower.close();
        streams.close(Duration.ofSeconds(30));
        textModel.close();
        registry.close();
        log.info("event=pipeline_stopped application_id={}", config.applicationId());
    }

    /** For tests and the embedded stack: the settings a pipeline needs to find a broker and registry. */
    public static Map<String, String> endpoints(String bootstrapServers, String registryUrl) {
        return Map.of(PipelineConfig.BOOTSTRAP_SERVERS, bootstrapServers, PipelineConfig.SCHEMA_REGISTRY_URL, registryUrl);
    }
}
