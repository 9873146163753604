package io.d2vstreams.topology;

import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillCoordinator;
import io.d2vstreams.topology.backfill.BackfillLog;
import io.d2vstreams.topology.backfill.BackfillMetrics;
import io.d2vstreams.topology.backfill.BackfillWorker;
import io.d2vstreams.topology.backfill.ShareThrottle;
import io.d2vstreams.topology.internal.EventDecoder;
import io.d2vstreams.topology.internal.RecordAdmission;
import io.d2vstreams.topology.internal.UriFetcher;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Opens a backfill worker for a modality and version the way the pipeline embeds: the same
 * decoders and admission rule as the live path, and an encoder of exactly that version, loaded
 * from the model store through the pipeline's {@link EncoderLoader} (not whatever serves now).
 */
final class BackfillWorkers implements BackfillCoordinator.Workers {
    /**
     * Bounds how long a killed instance's open backfill transaction holds back read_committed readers
     * of the embedding topic before the broker aborts it.
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

    private final PipelineConfig config;
    private final SchemaRegistryClient registry;
    private final ModelStore store;
    private final EncoderLoader loader;
    private final Function<Modality, EncoderOptions> options;
    private final BackfillMetrics metrics;
    private final UriFetcher fetcher;

    BackfillWorkers(PipelineConfig config, SchemaRegistryClient registry, ModelStore store, EncoderLoader loader,
                    Function<Modality, EncoderOptions> options, BackfillMetrics metrics) {
        this.config = config;
        this.registry = registry;
        this.store = store;
        this.loader = loader;
        this.options = options;
        this.metrics = metrics;
        this.fetcher = new UriFetcher(config.uriPolicy());
    }

    /** The consumer group of one version's backfill: shared by the instances, kept across restarts. */
    static String groupId(PipelineConfig config, Modality modality, int version) {
        return config.applicationId() + "-backfill-" + modality.folderName() + "-v" + version;
    }

    @Override
    public BackfillWorker open(Modality modality, int version, BackfillLog backfillLog) {
        ModelManifest manifest = store.version(modality, version).orElseThrow(() -> new IllegalStateException(
                "cannot backfill " + modality + " v" + version + ": the version is not in the model store at " + store.root()));
        Topics topics = config.topics();
        BackfillWorker.Settings settings = new BackfillWorker.Settings(groupId(config, modality, version),
                Map.copyOf(config.clientProperties()), topics.events(modality), topics.embeddings(modality),
                topics.backfill(), config.backfillBatchSize(), new ShareThrottle(config.backfillMaxShare()),
                TRANSACTION_TIMEOUT);
        return open(ServingSpec.of(modality), manifest, version, backfillLog, settings);
    }

    private <I> BackfillWorker open(ServingSpec<I> spec, ModelManifest manifest, int version, BackfillLog backfillLog,
            BackfillWorker.Settings settings) {
        Modality modality = spec.modality();
        ModelHolder<I> holder = spec.open(loader, manifest, options.apply(modality));
        EventDecoder decoder = spec.decoder(config, registry, fetcher);
        return new BackfillWorker(settings, modality, version, backfillLog,
                new RecordAdmission(decoder, RecordLimits.of(config).bufferedBytes(modality)), spec.batchEncoder(holder),
                new SpecificAvroSerializer<>(registry), new SpecificAvroSerializer<>(registry), metrics, holder);
    }
}
