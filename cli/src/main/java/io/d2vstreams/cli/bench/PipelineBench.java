package io.d2vstreams.cli.bench;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.cli.TemporaryDirectory;
import io.d2vstreams.cli.client.EventInput;
import io.d2vstreams.cli.client.EventInputs;
import io.d2vstreams.cli.client.EventProducer;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.bench.BenchOptions;
import io.d2vstreams.runtime.bench.BenchResult;
import io.d2vstreams.runtime.bench.EncoderBench;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * {@code d2v bench pipeline}: one modality's embedding path end to end on an in-process broker and
 * registry, with the production guarantees ({@code exactly_once_v2}, outputs read with
 * {@code read_committed}), measured beside the bare encoder on the same model, batch size and
 * threads, so the ratio says what Kafka, the changelogged micro-batch buffer and transactions
 * cost.
 *
 * <p>Inputs are generated like the encoder bench's (sentences of mixed lengths, images and clips
 * of mixed sizes; media over a default broker's message size are skipped). Timed records are
 * produced as fast as the producer goes (a backlog), or open-loop at a fixed rate
 * ({@link OpenLoopPacer}); the clock runs from the first send
 * to the last embedding read. Latency is per record: the moment its embedding is read minus the
 * event's create time (the embedding keeps the event's timestamp). A warm-up round goes through
 * the pipeline first, untimed, so JIT compilation and session start-up are not measured. The
 * run fails if any record is missing or embedded twice: a throughput bought by losing records
 * is not a figure. The CPU of the timed run is split by what spent it ({@link CpuSplit}): the
 * broker, registry and bench clients share this process, so the split says how much of the cores
 * the pipeline itself had.
 *
 * <p>With {@link Options#train()} a trainer trains those modalities in the same process while the
 * warm-up and the timed round run ({@link TrainingLoad}); the clock starts only once each of its
 * loops has taken a step, and the result says how many steps each took in the timed round. The
 * bare encoder is measured before the trainer starts, so {@code ratio} then says what training
 * beside the pipeline costs it too.
 */
public final class PipelineBench {
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
    private static final String APPLICATION_ID = "d2v-bench";

    /**
     * @param records   timed records
     * @param batch     the modality's micro-batch size (e.g. text.batch.max.size): the encoder bench's call size
     * @param threads   ONNX Runtime intra-op threads, in both runs
     * @param partitions input partitions (stream tasks)
     * @param rate      records per second, produced open-loop at that pace; 0 produces the whole backlog at once
     * @param guarantee the pipeline's {@code processing.guarantee}: exactly_once_v2 (production) or at_least_once
     * @param standIn   run the pipeline with {@link StandInEncoders} in place of the model: the stream's own ceiling
     * @param progress  timed records embedded so far
     * @param train     modalities a trainer in the same process trains while the pipeline is measured; none for the
     *                  pipeline alone
     * @param trainerSettings that trainer's settings on top of its defaults ({@code trainer.concurrent.steps}, say)
     * @param backfill  measure with a backfill running beside the live stream; null for none
     * @param pipelineSettings the measured pipeline's settings on top of the bench's own
     *                  ({@code commit.interval.ms}, {@code main.consumer.max.partition.fetch.bytes}, say)
     */
    public record Options(Modality modality, int records, int batch, int threads, int partitions, long seed,
                          double rate, String guarantee, boolean standIn, Path workDir, IntConsumer progress,
                          List<Modality> train, Map<String, String> trainerSettings, Backfill backfill,
                          Map<String, String> pipelineSettings) {
        /** With the bench's own pipeline settings. */
        public Options(Modality modality, int records, int batch, int threads, int partitions, long seed,
                       double rate, String guarantee, boolean standIn, Path workDir, IntConsumer progress,
                       List<Modality> train, Map<String, String> trainerSettings, Backfill backfill) {
            this(modality, records, batch, threads, partitions, seed, rate, guarantee, standIn, workDir, progress,
                    train, trainerSettings, backfill, Map.of());
        }

        /** Without a backfill. */
        public Options(Modality modality, int records, int batch, int threads, int partitions, long seed,
                       double rate, String guarantee, boolean standIn, Path workDir, IntConsumer progress,
                       List<Modality> train, Map<String, String> trainerSettings) {
            this(modality, records, batch, threads, partitions, seed, rate, guarantee, standIn, workDir, progress,
                    train, trainerSettings, null);
        }

        /** The pipeline alone. */
        public Options(Modality modality, int records, int batch, int threads, int partitions, long seed, double rate,
                       String guarantee, boolean standIn, Path workDir, IntConsumer progress) {
            this(modality, records, batch, threads, partitions, seed, rate, guarantee, standIn, workDir, progress,
                    List.of(), Map.of());
        }

        public Options {
            train = List.copyOf(train);
            trainerSettings = Map.copyOf(trainerSettings);
            pipelineSettings = Map.copyOf(pipelineSettings);
            Objects.requireNonNull(modality, "modality");
            if (records < 1 || batch < 1 || threads < 1 || partitions < 1) {
                throw new IllegalArgumentException("records, batch, threads and partitions must each be at least 1; got "
                        + records + ", " + batch + ", " + threads + ", " + partitions);
            }
            if (!(rate >= 0)) {
                throw new IllegalArgumentException("rate must be 0 (a backlog) or positive records/s, not " + rate);
            }
            Objects.requireNonNull(guarantee, "guarantee");
            Objects.requireNonNull(workDir, "workDir");
            progress = progress == null ? done -> { } : progress;
        }

        /** The same run in another work folder. */
        Options in(Path dir) {
            return new Options(modality, records, batch, threads, partitions, seed, rate, guarantee, standIn, dir, progress,
                    train, trainerSettings, backfill, pipelineSettings);
        }

        /** The same run with another batch size and rate. */
        Options with(int otherBatch, double otherRate) {
            return new Options(modality, records, otherBatch, threads, partitions, seed, otherRate, guarantee, standIn,
                    workDir, progress, train, trainerSettings, backfill, pipelineSettings);
        }
    }

    /**
     * A backfill beside the timed round: {@code history} records are embedded with the first version
     * before it, then a second version is announced ACTIVE, so the timed round runs on it while the
     * backfill re-embeds the history with it.
     *
     * @param share {@code backfill.max.share}; 0 keeps the pipeline's default
     */
    public record Backfill(int history, double share) {
        public Backfill {
            if (history < 1 || share < 0 || share > 1) {
                throw new IllegalArgumentException("backfill history must be at least 1 and share in [0, 1]; got "
                        + history + ", " + share);
            }
        }
    }

    /** Records the bare encoder is measured on beside a {@code --stand-in} run. */
    static final int STAND_IN_ENCODER_SAMPLE = 2000;

    private PipelineBench() {
    }

    /**
     * The measured pipeline's config: the bench's own settings (its cluster, application id,
     * partitions, the modality's batch size, threads, guarantee; no sampling, no metrics port),
     * then {@link Options#pipelineSettings}, then the backfill share of {@link Options#backfill}.
     */
    static PipelineConfig pipelineConfig(Options options, String bootstrapServers, String registryUrl, Path storeRoot) {
        PipelineConfig config = PipelineConfig.from(Map.of(
                PipelineConfig.BOOTSTRAP_SERVERS, bootstrapServers,
                PipelineConfig.SCHEMA_REGISTRY_URL, registryUrl,
                PipelineConfig.APPLICATION_ID, APPLICATION_ID,
                PipelineConfig.TOPIC_PARTITIONS, Integer.toString(options.partitions()),
                PipelineConfig.batchMaxSizeKey(options.modality()), Integer.toString(options.batch()),
                PipelineConfig.ENCODER_THREADS, Integer.toString(options.threads()),
                PipelineConfig.SAMPLING_ENABLED, "false",
                PipelineConfig.PROCESSING_GUARANTEE, options.guarantee(),
                PipelineConfig.METRICS_PORT, "-1",
                PipelineConfig.MODEL_STORE_DIR, storeRoot.toString())).with(options.pipelineSettings());
        return options.backfill() != null && options.backfill().share() > 0
                ? config.with(Map.of(PipelineConfig.BACKFILL_MAX_SHARE, Double.toString(options.backfill().share())))
                : config;
    }

    public static PipelineBenchResult run(Options options) throws Exception {
        ModelStore store = new ModelStore(options.workDir().resolve("models"));
        ModelManifest model = store.initDefault(options.modality(), PipelineConfig.defaults().modelSeed());
        // The encoder alone as the pipeline runs it: calls of one micro-batch, in runs of at most encoder.max.run.size.
        int run = Math.min(options.batch(), PipelineConfig.defaults().encoderMaxRunSize());
        CpuSplit.Snapshot encoderStart = CpuSplit.Snapshot.take();
        // With the stand-in the pipeline runs no model, so the real encoder's figure is context only:
        // a sample of the records gives it, instead of minutes of inference before the stream is timed.
        int encoderRecords = options.standIn() ? Math.min(options.records(), STAND_IN_ENCODER_SAMPLE) : options.records();
        BenchResult encoder = EncoderBench.run(BenchOptions.of(store, model, encoderRecords, run,
                EncoderOptions.defaults().withThreads(options.threads(), 1)).withWindow(options.batch()).withSeed(options.seed()));
        // The whole encoder bench (warm-up included) over its timed records: an upper bound of the encoder's share.
        CpuSplit encoderCpu = CpuSplit.between(encoderStart, CpuSplit.Snapshot.take(), APPLICATION_ID);

        try (DevStack stack = DevStack.start(DevStackOptions.builder(options.workDir().resolve("stack"))
                .kafkaPort(0).registryPort(0).build())) {
            PipelineConfig config = pipelineConfig(options, stack.bootstrapServers(), stack.registryUrl(), store.root());
            try (EmbeddingPipeline pipeline = options.standIn()
                    ? EmbeddingPipeline.start(config, StandInEncoders::new) : EmbeddingPipeline.start(config);
                 SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                         Map.of("schema.registry.url", stack.registryUrl())));
                 EventProducer producer = new EventProducer(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                         ProducerConfig.LINGER_MS_CONFIG, 5), registry);
                 KafkaConsumer<String, byte[]> consumer = consumer(stack.bootstrapServers());
                 TrainingLoad training = options.train().isEmpty() ? null : TrainingLoad.start(stack, registry,
                         options.workDir(), options.train(), options.trainerSettings(), options.seed())) {
                pipeline.awaitRunning(Duration.ofMinutes(2));
                if (training != null) {
                    training.awaitStepping(Duration.ofMinutes(5));
                }
                String events = config.topics().events(options.modality());
                consumer.subscribe(List.of(config.topics().embeddings(options.modality())));
                Embedded embedded = new Embedded(new SpecificAvroDeserializer<>(registry, Embedding.class));
                int warmup = Math.max(2 * options.batch(), options.records() / 10);
                producer.send(events, options.modality(),
                        EventInputs.generated(options.modality(), warmup, options.seed() + 1, "warmup-"), done -> { });
                embedded.drain(consumer, "warmup-", warmup, done -> { });
                BackfillBeside backfill = options.backfill() == null ? null
                        : BackfillBeside.start(options, config, store, pipeline, registry, producer, events,
                                history -> embedded.drain(consumer, "history-", history, done -> { }));

                // Generated before the clock starts: the bench times the pipeline, not the generator.
                List<EventInput> timed = EventInputs.generated(options.modality(), options.records(), options.seed() + 2, "timed-");
                EventProducer.Schedule schedule = schedule(options.rate());
                boolean backlog = options.rate() == 0;
                CompletableFuture<Void> sending = CompletableFuture.completedFuture(null);
                if (backlog) {
                    // A backlog is in the topic before the clock starts, so that the producer (its
                    // serialization, the in-process broker's appends) cannot set the pace instead.
                    pipeline.pauseEmbedding();
                    producer.send(events, options.modality(), timed, done -> { }, schedule);
                }
                CpuSplit.Snapshot cpuStart = CpuSplit.Snapshot.take();
                Map<Modality, Long> stepsBefore = training == null ? Map.of() : training.steps();
                long started = System.nanoTime();
                if (backlog) {
                    pipeline.resumeEmbedding();
                } else {
                    // Produced beside the reading, so that a record's latency ends when its embedding is readable.
                    sending = CompletableFuture.runAsync(() -> {
                        try {
                            producer.send(events, options.modality(), timed, done -> { }, schedule);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted while producing", e);
                        } catch (ExecutionException e) {
                            throw new IllegalStateException("producing failed: " + e.getCause(), e.getCause());
                        }
                    });
                }
                long[] latencies = embedded.drain(consumer, "timed-", options.records(), options.progress());
                double seconds = (System.nanoTime() - started) / 1e9;
                Map<String, Double> threadTime = StreamThreadTime.of(APPLICATION_ID);
                sending.join();
                CpuSplit cpu = CpuSplit.between(cpuStart, CpuSplit.Snapshot.take(), APPLICATION_ID);
                Percentiles latency = new Percentiles(latencies);
                PipelineBenchResult.Training beside = null;
                if (training != null) {
                    Map<Modality, Long> steps = new EnumMap<>(Modality.class);
                    training.steps().forEach((m, n) -> steps.put(m, n - stepsBefore.get(m)));
                    beside = new PipelineBenchResult.Training(steps, training.concurrentSteps());
                }
                return new PipelineBenchResult(encoder, options.records() / seconds, latency.at(0.50),
                        latency.at(0.99), latency.at(0.999), options.rate(), options.partitions(),
                        config.processingGuarantee(), cpu.microsPerRecord(options.records()),
                        encoderCpu.microsPerRecord(encoderRecords).get("total"), options.standIn(), beside,
                        backfill == null ? null : backfill.during(seconds), threadTime);
            }
        }
    }

    /** Runs {@link #run} in a fresh temporary directory and deletes it afterwards. */
    public static PipelineBenchResult runInTemporaryDirectory(Options template) throws Exception {
        try (TemporaryDirectory dir = TemporaryDirectory.create("d2v-bench-")) {
            return run(template.in(dir.path()));
        }
    }

    /** A backlog at once (rate 0), or open-loop at {@code rate}: each record stamped with its due time. */
    private static EventProducer.Schedule schedule(double rate) {
        if (rate == 0) {
            return EventProducer.AS_FAST_AS_POSSIBLE;
        }
        OpenLoopPacer pacer = OpenLoopPacer.realTime(rate);
        long epochMsAtStart = System.currentTimeMillis();
        return index -> {
            pacer.awaitDue(index);
            return epochMsAtStart + (pacer.dueNanos(index) - pacer.dueNanos(0)) / 1_000_000;
        };
    }


    /** Reads embeddings until every expected id has exactly one; records each one's latency. */
    private static final class Embedded {
        private final SpecificAvroDeserializer<Embedding> deserializer;

        Embedded(SpecificAvroDeserializer<Embedding> deserializer) {
            this.deserializer = deserializer;
        }

        long[] drain(KafkaConsumer<String, byte[]> consumer, String idPrefix, int expected, IntConsumer progress) {
            Map<String, Long> latencyById = new HashMap<>();
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (latencyById.size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + latencyById.size() + " of " + expected
                            + " records were embedded within " + DRAIN_TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    String id = deserializer.deserialize(record.topic(), record.value()).getId().toString();
                    if (!id.startsWith(idPrefix)) {
                        continue;
                    }
                    long latency = System.currentTimeMillis() - record.timestamp();
                    if (latencyById.put(id, latency) != null) {
                        throw new IllegalStateException("record " + id + " was embedded twice");
                    }
                }
                progress.accept(latencyById.size());
            }
            return latencyById.values().stream().mapToLong(Long::longValue).toArray();
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "d2v-bench-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
