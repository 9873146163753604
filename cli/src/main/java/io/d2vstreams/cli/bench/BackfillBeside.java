package io.d2vstreams.cli.bench;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.cli.client.EventInputs;
import io.d2vstreams.cli.client.EventProducer;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.WireModality;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.topology.backfill.BackfillCoordinator;

import java.time.Duration;
import java.util.function.IntConsumer;

/**
 * For {@code d2v bench pipeline --backfill H}: embeds H history records with the first version,
 * then announces a second version ACTIVE and waits until the pipeline serves it and its backfill
 * runs, so that the timed round measures the live stream with a backfill beside it.
 */
final class BackfillBeside {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final PipelineBench.Backfill settings;
    private final double share;
    private final Modality modality;
    private final int version;
    private final BackfillCoordinator coordinator;
    private final long recordsBefore;

    private BackfillBeside(PipelineBench.Backfill settings, double share, Modality modality, int version,
                           BackfillCoordinator coordinator) {
        this.settings = settings;
        this.share = share;
        this.modality = modality;
        this.version = version;
        this.coordinator = coordinator;
        this.recordsBefore = coordinator.backfillLog().records(modality, version);
    }

    static BackfillBeside start(PipelineBench.Options options, PipelineConfig config, ModelStore store,
                                EmbeddingPipeline pipeline, SchemaRegistryClient registry, EventProducer producer,
                                String events, IntConsumer drainHistory) throws Exception {
        Modality modality = options.modality();
        int history = options.backfill().history();
        producer.send(events, modality, EventInputs.generated(modality, history, options.seed() + 3, "history-"), done -> { });
        drainHistory.accept(history);
        ModelManifest next = store.initDefault(modality, options.seed() + 1000);
        try (ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, config.topics().models())) {
            announcer.announce(ModelVersion.newBuilder()
                    .setModality(WireModality.of(modality))
                    .setModel(next.name()).setVersion(next.version())
                    .setUri(modality.folderName() + "/v" + next.version())
                    .setSha256(next.digest()).setDim(next.dim()).setStatus(ModelStatus.ACTIVE)
                    .setCreatedAtMs(System.currentTimeMillis()).build());
        }
        BackfillCoordinator coordinator = pipeline.backfill().orElseThrow(() ->
                new IllegalStateException("--backfill needs backfill.enabled"));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (pipeline.activeModel(modality).version() != next.version()
                || coordinator.runningVersion(modality).orElse(-1) != next.version()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the backfill of " + modality + " v" + next.version()
                        + " did not start within " + START_TIMEOUT);
            }
            Thread.sleep(50);
        }
        return new BackfillBeside(options.backfill(), config.backfillMaxShare(), modality, next.version(), coordinator);
    }

    /** What the backfill did during the timed round of {@code seconds}. */
    PipelineBenchResult.Backfill during(double seconds) {
        long records = coordinator.backfillLog().records(modality, version) - recordsBefore;
        boolean stillRunning = coordinator.runningVersion(modality).orElse(-1) == version;
        return new PipelineBenchResult.Backfill(settings.history(), share, records, records / seconds, stillRunning);
    }
}
