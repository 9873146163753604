package io.d2vstreams.topology;

import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.audio.AudioSpec;
import io.d2vstreams.runtime.image.ImageSpec;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillCoordinator;
import io.d2vstreams.topology.backfill.BackfillLog;
import io.d2vstreams.topology.backfill.BackfillMetrics;
import io.d2vstreams.topology.backfill.BackfillWorker;
import io.d2vstreams.topology.backfill.ShareThrottle;
import io.d2vstreams.topology.internal.BatchEncoder;
import io.d2vstreams.topology.internal.EventDecoder;
import io.d2vstreams.topology.internal.MediaBatchEncoder;
import io.d2vstreams.topology.internal.RecordAdmission;
import io.d2vstreams.topology.internal.TextBatchEncoder;
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
        EncoderOptions encoderOptions = options.apply(modality);
        ModelHolder<?> holder;
        BatchEncoder encoder;
        switch (modality) {
            case TEXT -> {
                ModelHolder<String> text = new ModelHolder<>(loader.load(TextSpec.INSTANCE, manifest, encoderOptions));
                holder = text;
                encoder = new TextBatchEncoder(text);
            }
            case IMAGE -> {
                ModelHolder<byte[]> image = new ModelHolder<>(loader.load(ImageSpec.INSTANCE, manifest, encoderOptions));
                holder = image;
                encoder = new MediaBatchEncoder(image);
            }
            case AUDIO -> {
                ModelHolder<byte[]> audio = new ModelHolder<>(loader.load(AudioSpec.INSTANCE, manifest, encoderOptions));
                holder = audio;
                encoder = new MediaBatchEncoder(audio);
            }
            default -> throw new IllegalArgumentException("unknown modality " + modality);
        }
        EventDecoder decoder = EmbeddingPipeline.decoder(config, registry, modality, fetcher);
        Topics topics = config.topics();
        BackfillWorker.Settings settings = new BackfillWorker.Settings(groupId(config, modality, version),
                Map.copyOf(config.clientProperties()), topics.events(modality), topics.embeddings(modality),
                topics.backfill(), config.backfillBatchSize(), new ShareThrottle(config.backfillMaxShare()),
                TRANSACTION_TIMEOUT);
        return new BackfillWorker(settings, modality, version, backfillLog,
                new RecordAdmission(decoder, RecordLimits.of(config).bufferedBytes(modality)), encoder,
                new SpecificAvroSerializer<>(registry), new SpecificAvroSerializer<>(registry), metrics, holder);
    }
}
