package io.d2vstreams.trainer;

import io.d2vstreams.runtime.Device;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.ConfigSecrets;
import io.d2vstreams.schemas.ProcessSettings;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.trainer.gate.GateThresholds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The trainer process's settings ({@code d2v trainer --config FILE}), parsed and validated once at
 * start-up, in the style of the pipeline's config: each key's name, default and documentation
 * live together in {@link #DEFINITION}; keys that are not ours pass through to the Kafka clients
 * (SASL, TLS, tuning), {@code schema.registry.*} and {@code basic.auth.*} go to the registry
 * client. Raw strings come from a properties file with {@code D2V_*} environment overrides (the
 * CLI reads them with the same {@code ConfigSource} as the pipeline).
 *
 * <p>Training keys start with {@code trainer.} and gate keys with {@code gate.} because plain
 * names such as {@code batch.size} are Kafka client settings.
 */
public final class TrainerWorkerConfig {
    public static final String BOOTSTRAP_SERVERS = ProcessSettings.BOOTSTRAP_SERVERS;
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka cluster to read training samples from and announce models on.";
    public static final String SCHEMA_REGISTRY_URL = ProcessSettings.SCHEMA_REGISTRY_URL;
    private static final String SCHEMA_REGISTRY_URL_DOC = "Confluent-compatible Schema Registry base URL (comma-separated for several).";
    public static final String APPLICATION_ID = ProcessSettings.APPLICATION_ID;
    private static final String APPLICATION_ID_DOC = "Names the trainer; each modality's loop has its own consumer group <application.id>-<modality> (d2v-trainer-text, d2v-trainer-image, d2v-trainer-audio).";
    public static final String TOPIC_PREFIX = ProcessSettings.TOPIC_PREFIX;
    private static final String TOPIC_PREFIX_DOC = "Prefix of the product's topics (<prefix>training.samples, <prefix>models).";
    public static final String MODEL_STORE_DIR = "model.store.dir";
    private static final String MODEL_STORE_DIR_DOC = "Model store shared with the pipeline: each modality's loop starts from its ACTIVE (else newest) version and writes new ones there.";
    public static final String MODEL_SEED = "model.seed";
    private static final String MODEL_SEED_DOC = "Seed of the tiny default encoder generated when the store has no version of a trained modality (the pipeline's default).";
    public static final String MODALITIES = "trainer.modalities";
    private static final String MODALITIES_DOC = "Modalities to train, comma-separated: TEXT, IMAGE, AUDIO (all three by default). Each gets its own loop: a "
            + "thread, a consumer group <application.id>-<modality> that reads every sample and keeps its own modality's, and a "
            + "checkpoint folder <trainer.checkpoint.dir>/<modality>.";
    public static final String CONCURRENT_STEPS = "trainer.concurrent.steps";
    private static final String CONCURRENT_STEPS_DOC = "How many modalities' loops may compute at the same time (a training step, "
            + "or an export and its gate). 1 makes the loops take turns, one step each in the order they asked, so a "
            + "trainer of three modalities takes the CPU one of them would and leaves the rest to a pipeline beside it; "
            + "raise it where cores or a GPU are to spare.";
    public static final String THREADS = "trainer.threads";
    private static final String THREADS_DOC = "libtorch intra-op threads for the training steps, for the whole process (libtorch "
            + "keeps one count). 1 leaves the other cores to a pipeline beside the trainer (d2v up, or the same host): on "
            + "2 cores the tiny encoders took as many steps with 1 as with 2 while the pipeline kept more of its "
            + "throughput. 0 lets libtorch choose (one per core), for a trainer on a machine of its own.";
    public static final String CHECKPOINT_DIR = "trainer.checkpoint.dir";
    private static final String CHECKPOINT_DIR_DOC = "Root of the trainer's checkpoints (weights, optimizer, step, consumer offsets): each modality keeps its own in <dir>/<modality> (text, image, audio); a restart continues from the newest usable one. TEXT checkpoints written directly in <dir> by earlier versions are restored once, then written to <dir>/text.";
    public static final String BATCH_SIZE = "trainer.batch.size";
    private static final String BATCH_SIZE_DOC = "Samples (texts, images, clips) per training step.";
    public static final String MAX_TOKENS = "trainer.max.tokens";
    private static final String MAX_TOKENS_DOC = "Most tokens per text in training, <s> and </s> included; longer texts are truncated.";
    public static final String AUDIO_MAX_SECONDS = "trainer.audio.max.seconds";
    private static final String AUDIO_MAX_SECONDS_DOC = "Longest audio clip trained on; longer clips are cropped to their first this many seconds rather than refused (data2vec audio crops at 20 s; shorter keeps CPU steps short).";
    public static final String AUDIO_MASK_SPAN_LENGTH = "trainer.audio.mask.span.length";
    private static final String AUDIO_MASK_SPAN_LENGTH_DOC = "Frames (20 ms each) per masked span of an audio clip; each frame starts a span with probability 0.065 (data2vec audio: spans of 10).";
    public static final String AUDIO_MASK_MIN_SPANS = "trainer.audio.mask.min.spans";
    private static final String AUDIO_MASK_MIN_SPANS_DOC = "Masked spans every audio clip gets at least, so short clips teach something too (data2vec audio: 1).";
    public static final String LEARNING_RATE = "trainer.learning.rate";
    private static final String LEARNING_RATE_DOC = "Peak AdamW learning rate, constant after warm-up; for every modality trained. Unset, each modality uses its recipe's: TEXT 5e-4, IMAGE 3e-3, AUDIO 1e-3 (trainer.<modality>.learning.rate sets one apart).";
    /** One modality's peak learning rate, over {@link #LEARNING_RATE}: {@code trainer.image.learning.rate}. */
    public static String learningRateOf(Modality modality) {
        return "trainer." + modality.folderName() + ".learning.rate";
    }
    public static final String WARMUP_STEPS = "trainer.warmup.steps";
    private static final String WARMUP_STEPS_DOC = "Steps of linear learning-rate warm-up; unset, each modality's recipe's (TEXT 100, IMAGE 20).";
    public static final String SEED = "trainer.seed";
    private static final String SEED_DOC = "Seeds masking, dropout, the regression head and replay draws.";
    public static final String DEVICE = "trainer.device";
    private static final String DEVICE_DOC = "cpu, or cuda (falls back to cpu with a warning when libtorch sees no GPU).";
    public static final String REPLAY_CAPACITY = "trainer.replay.capacity";
    private static final String REPLAY_CAPACITY_DOC = "Most already-trained samples kept for replay (oldest evicted); the consumer also pauses while this many fresh samples wait.";
    public static final String REPLAY_FRESH_FRACTION = "trainer.replay.fresh.fraction";
    private static final String REPLAY_FRESH_FRACTION_DOC = "Share of each batch taken from fresh (never trained on) samples; the rest is drawn uniformly from the replay buffer.";
    public static final String HELDOUT_EVERY = "trainer.heldout.every";
    private static final String HELDOUT_EVERY_DOC = "One sample in this many (by a hash of its id) is held out for the quality gate and never trained on.";
    public static final String HELDOUT_SIZE = "trainer.heldout.size";
    private static final String HELDOUT_SIZE_DOC = "Held-out samples kept per modality; the first ones seen are kept, so every export is judged on the same inputs. They travel in each checkpoint (images as base64).";
    public static final String CHECKPOINT_INTERVAL_STEPS = "trainer.checkpoint.interval.steps";
    private static final String CHECKPOINT_INTERVAL_STEPS_DOC = "Steps between checkpoints; the consumer offsets are committed right after each.";
    public static final String CHECKPOINTS_KEPT = "trainer.checkpoints.kept";
    private static final String CHECKPOINTS_KEPT_DOC = "Checkpoints kept on disk, newest first.";
    public static final String EXPORT_INTERVAL_STEPS = "trainer.export.interval.steps";
    private static final String EXPORT_INTERVAL_STEPS_DOC = "Steps between exports of a candidate version to the quality gate.";
    public static final String EXPORT_INTERVAL_SECONDS = "trainer.export.interval.seconds";
    private static final String EXPORT_INTERVAL_SECONDS_DOC = "Also export when this many seconds passed since the last export and at least one step ran; 0 turns the time trigger off.";
    public static final String LOG_INTERVAL_STEPS = "trainer.log.interval.steps";
    private static final String LOG_INTERVAL_STEPS_DOC = "Steps between progress log lines (loss, learning rate, samples per second).";
    public static final String POLL_TIMEOUT_MS = "trainer.poll.timeout.ms";
    public static final String METRICS_PORT = "metrics.port";
    private static final String METRICS_PORT_DOC = "Port of the trainer process's /metrics (Prometheus) and /health "
            + "(served by d2v trainer); 0 picks a free port, -1 turns them off. 9401 by default, beside the pipeline's 9400.";
    public static final String METRICS_HOST = "metrics.host";
    private static final String METRICS_HOST_DOC = "Address the metrics endpoint binds to; 0.0.0.0 to be scraped from other hosts.";
    private static final String POLL_TIMEOUT_MS_DOC = "Longest one poll of the sample topic waits.";
    public static final String GATE_HELDOUT_MIN = "gate.heldout.min";
    private static final String GATE_HELDOUT_MIN_DOC = "Held-out samples needed before a candidate can be judged; exports wait until there are this many.";
    public static final String GATE_PARITY_MAX = "gate.parity.max.abs.diff";
    private static final String GATE_PARITY_MAX_DOC = "Largest allowed |training model − exported ONNX| over last_hidden_state on a probe batch.";
    public static final String GATE_LOSS_MAX_RATIO = "gate.loss.max.ratio";
    private static final String GATE_LOSS_MAX_RATIO_DOC = "A candidate's held-out data2vec loss may be at most this times the ACTIVE version's (1.0: not worse).";
    public static final String GATE_VARIANCE_MIN = "gate.embedding.variance.min";
    private static final String GATE_VARIANCE_MIN_DOC = "Floor of the mean per-dimension variance of the candidate's pooled, L2-normalised held-out embeddings (collapse guard).";
    public static final String GATE_EFFECTIVE_RANK_MIN = "gate.effective.rank.min";
    private static final String GATE_EFFECTIVE_RANK_MIN_DOC = "Floor of the effective rank (exp of the entropy of the normalised singular values) of the centred pooled held-out embeddings (collapse guard).";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, "localhost:9092", Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "http://localhost:8081", Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(APPLICATION_ID, Type.STRING, "d2v-trainer", Importance.HIGH, APPLICATION_ID_DOC)
            .define(TOPIC_PREFIX, Type.STRING, Topics.DEFAULT_PREFIX, Importance.MEDIUM, TOPIC_PREFIX_DOC)
            .define(MODEL_STORE_DIR, Type.STRING, "d2v-data/models", Importance.HIGH, MODEL_STORE_DIR_DOC)
            .define(MODEL_SEED, Type.LONG, 42L, Importance.LOW, MODEL_SEED_DOC)
            .define(MODALITIES, Type.STRING, "TEXT,IMAGE,AUDIO", new ModalitiesValidator(), Importance.HIGH, MODALITIES_DOC)
            .define(CONCURRENT_STEPS, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM, CONCURRENT_STEPS_DOC)
            .define(THREADS, Type.INT, 1, Range.between(0, 1024), Importance.MEDIUM, THREADS_DOC)
            .define(CHECKPOINT_DIR, Type.STRING, "d2v-data/checkpoints", Importance.HIGH, CHECKPOINT_DIR_DOC)
            .define(BATCH_SIZE, Type.INT, 16, Range.between(1, 4096), Importance.MEDIUM, BATCH_SIZE_DOC)
            .define(MAX_TOKENS, Type.INT, 128, Range.between(3, 65_536), Importance.MEDIUM, MAX_TOKENS_DOC)
            .define(AUDIO_MAX_SECONDS, Type.DOUBLE, 5.0, Range.between(0.1, 3600.0), Importance.MEDIUM, AUDIO_MAX_SECONDS_DOC)
            .define(AUDIO_MASK_SPAN_LENGTH, Type.INT, 10, Range.between(1, 1000), Importance.LOW, AUDIO_MASK_SPAN_LENGTH_DOC)
            .define(AUDIO_MASK_MIN_SPANS, Type.INT, 1, Range.between(0, 1000), Importance.LOW, AUDIO_MASK_MIN_SPANS_DOC)
            .define(LEARNING_RATE, Type.DOUBLE, null, unsetOr(Range.between(1e-9, 1.0)), Importance.MEDIUM, LEARNING_RATE_DOC)
            .define(learningRateOf(Modality.TEXT), Type.DOUBLE, null, unsetOr(Range.between(1e-9, 1.0)), Importance.LOW,
                    "Peak learning rate of TEXT alone, over trainer.learning.rate; unset, that one or the recipe's 5e-4.")
            .define(learningRateOf(Modality.IMAGE), Type.DOUBLE, null, unsetOr(Range.between(1e-9, 1.0)), Importance.LOW,
                    "Peak learning rate of IMAGE alone, over trainer.learning.rate; unset, that one or the recipe's 3e-3.")
            .define(learningRateOf(Modality.AUDIO), Type.DOUBLE, null, unsetOr(Range.between(1e-9, 1.0)), Importance.LOW,
                    "Peak learning rate of AUDIO alone, over trainer.learning.rate; unset, that one or the recipe's 1e-3.")
            .define(WARMUP_STEPS, Type.INT, null, unsetOr(Range.atLeast(0)), Importance.LOW, WARMUP_STEPS_DOC)
            .define(SEED, Type.LONG, 42L, Importance.LOW, SEED_DOC)
            .define(DEVICE, Type.STRING, "cpu", ConfigDef.ValidString.in("cpu", "cuda"), Importance.MEDIUM, DEVICE_DOC)
            .define(REPLAY_CAPACITY, Type.INT, 4096, Range.between(1, 10_000_000), Importance.MEDIUM, REPLAY_CAPACITY_DOC)
            .define(REPLAY_FRESH_FRACTION, Type.DOUBLE, 0.5, Range.between(0.01, 1.0), Importance.MEDIUM,
                    REPLAY_FRESH_FRACTION_DOC)
            .define(HELDOUT_EVERY, Type.INT, 10, Range.atLeast(2), Importance.MEDIUM, HELDOUT_EVERY_DOC)
            .define(HELDOUT_SIZE, Type.INT, 128, Range.between(1, 100_000), Importance.MEDIUM, HELDOUT_SIZE_DOC)
            .define(CHECKPOINT_INTERVAL_STEPS, Type.INT, 50, Range.atLeast(1), Importance.MEDIUM, CHECKPOINT_INTERVAL_STEPS_DOC)
            .define(CHECKPOINTS_KEPT, Type.INT, 2, Range.atLeast(1), Importance.LOW, CHECKPOINTS_KEPT_DOC)
            .define(EXPORT_INTERVAL_STEPS, Type.INT, 500, Range.atLeast(1), Importance.MEDIUM, EXPORT_INTERVAL_STEPS_DOC)
            .define(EXPORT_INTERVAL_SECONDS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM, EXPORT_INTERVAL_SECONDS_DOC)
            .define(LOG_INTERVAL_STEPS, Type.INT, 10, Range.atLeast(1), Importance.LOW, LOG_INTERVAL_STEPS_DOC)
            .define(POLL_TIMEOUT_MS, Type.LONG, 200L, Range.between(1, 60_000), Importance.LOW, POLL_TIMEOUT_MS_DOC)
            .define(METRICS_PORT, Type.INT, 9401, Range.between(-1, 65535), Importance.MEDIUM, METRICS_PORT_DOC)
            .define(METRICS_HOST, Type.STRING, "localhost", Importance.LOW, METRICS_HOST_DOC)
            .define(GATE_HELDOUT_MIN, Type.INT, 16, Range.atLeast(2), Importance.MEDIUM, GATE_HELDOUT_MIN_DOC)
            .define(GATE_PARITY_MAX, Type.DOUBLE, GateThresholds.defaults().parityMaxAbsDiff(), Range.between(0.0, 1.0), Importance.MEDIUM, GATE_PARITY_MAX_DOC)
            .define(GATE_LOSS_MAX_RATIO, Type.DOUBLE, GateThresholds.defaults().lossMaxRatio(), Range.between(0.0, 100.0), Importance.MEDIUM, GATE_LOSS_MAX_RATIO_DOC)
            .define(GATE_VARIANCE_MIN, Type.DOUBLE, GateThresholds.defaults().varianceMin(), Range.between(0.0, 1.0), Importance.MEDIUM, GATE_VARIANCE_MIN_DOC)
            .define(GATE_EFFECTIVE_RANK_MIN, Type.DOUBLE, GateThresholds.defaults().effectiveRankMin(), Range.between(0.0, 1e6), Importance.MEDIUM,
                    GATE_EFFECTIVE_RANK_MIN_DOC);

    /** Our own keys: these are not forwarded to any client (bootstrap.servers is set from its parsed value). */
    private static final Set<String> OWN_KEYS = Set.copyOf(DEFINITION.names());

    private final ProcessSettings process;
    private final Path modelStoreDir;
    private final long modelSeed;
    private final List<Modality> modalities;
    private final int concurrentSteps;
    private final int threads;
    private final Path checkpointDir;
    private final Map<Modality, TrainerConfig> training;
    private final int replayCapacity;
    private final double replayFreshFraction;
    private final int heldOutEvery;
    private final int heldOutSize;
    private final int checkpointIntervalSteps;
    private final int exportIntervalSteps;
    private final Duration exportInterval;
    private final int logIntervalSteps;
    private final Duration pollTimeout;
    private final int metricsPort;
    private final String metricsHost;
    private final int gateHeldOutMin;
    private final GateThresholds gate;

    private TrainerWorkerConfig(Map<String, String> settings) {
        this.process = ProcessSettings.parse(DEFINITION, settings, OWN_KEYS);
        AbstractConfig parsed = process.parsed();
        this.modelStoreDir = Path.of(parsed.getString(MODEL_STORE_DIR));
        this.modelSeed = parsed.getLong(MODEL_SEED);
        this.modalities = parseModalities(parsed.getString(MODALITIES));
        this.concurrentSteps = parsed.getInt(CONCURRENT_STEPS);
        this.threads = parsed.getInt(THREADS);
        this.checkpointDir = Path.of(parsed.getString(CHECKPOINT_DIR));
        Map<Modality, TrainerConfig> perModality = new EnumMap<>(Modality.class);
        for (Modality m : TrainingModality.trainable()) {
            try {
                // Each modality's own recipe (masking, targets, τ, dropout) under the worker's settings.
                TrainerConfig.Builder recipe = TrainingModality.of(m).trainingDefaults()
                        .batchSize(parsed.getInt(BATCH_SIZE))
                        .maxTokens(parsed.getInt(MAX_TOKENS))
                        .maxAudioSeconds(parsed.getDouble(AUDIO_MAX_SECONDS))
                        .maskSpans(parsed.getInt(AUDIO_MASK_SPAN_LENGTH), parsed.getInt(AUDIO_MASK_MIN_SPANS))
                        .seed(parsed.getLong(SEED))
                        .device(Device.valueOf(parsed.getString(DEVICE).toUpperCase(Locale.ROOT)))
                        .checkpointsKept(parsed.getInt(CHECKPOINTS_KEPT));
                // The rate that suits one modality's tiny model stalls another's (IMAGE learns nothing at
                // TEXT's 5e-4), so only an explicit setting overrides the recipes.
                Double learningRate = parsed.getDouble(learningRateOf(m));
                if (learningRate == null) {
                    learningRate = parsed.getDouble(LEARNING_RATE);
                }
                if (learningRate != null) {
                    recipe.learningRate(learningRate);
                }
                Integer warmupSteps = parsed.getInt(WARMUP_STEPS);
                if (warmupSteps != null) {
                    recipe.warmupSteps(warmupSteps);
                }
                perModality.put(m, recipe.build());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("invalid training settings: " + e.getMessage());
            }
        }
        this.training = Collections.unmodifiableMap(perModality);
        this.replayCapacity = parsed.getInt(REPLAY_CAPACITY);
        this.replayFreshFraction = parsed.getDouble(REPLAY_FRESH_FRACTION);
        this.heldOutEvery = parsed.getInt(HELDOUT_EVERY);
        this.heldOutSize = parsed.getInt(HELDOUT_SIZE);
        this.checkpointIntervalSteps = parsed.getInt(CHECKPOINT_INTERVAL_STEPS);
        this.exportIntervalSteps = parsed.getInt(EXPORT_INTERVAL_STEPS);
        this.exportInterval = Duration.ofSeconds(parsed.getLong(EXPORT_INTERVAL_SECONDS));
        this.logIntervalSteps = parsed.getInt(LOG_INTERVAL_STEPS);
        this.pollTimeout = Duration.ofMillis(parsed.getLong(POLL_TIMEOUT_MS));
        this.metricsPort = parsed.getInt(METRICS_PORT);
        this.metricsHost = parsed.getString(METRICS_HOST);
        this.gateHeldOutMin = parsed.getInt(GATE_HELDOUT_MIN);
        if (gateHeldOutMin > heldOutSize) {
            throw new ConfigException(GATE_HELDOUT_MIN, gateHeldOutMin, "must be <= " + HELDOUT_SIZE + " (" + heldOutSize
                    + "), or no candidate could ever be judged");
        }
        this.gate = new GateThresholds(parsed.getDouble(GATE_PARITY_MAX), parsed.getDouble(GATE_LOSS_MAX_RATIO),
                parsed.getDouble(GATE_VARIANCE_MIN), parsed.getDouble(GATE_EFFECTIVE_RANK_MIN));
    }

    /**
     * Parses {@code settings} (raw strings from a properties file and the environment).
     *
     * @throws ConfigException naming the key, the value and what was expected
     */
    public static TrainerWorkerConfig from(Map<String, String> settings) {
        return new TrainerWorkerConfig(settings);
    }

    public static TrainerWorkerConfig defaults() {
        return from(Map.of());
    }

    /** A copy with some settings replaced (the embedded stack, a demo, tests). */
    public TrainerWorkerConfig with(Map<String, String> overrides) {
        return from(process.with(overrides));
    }

    /**
     * Settings small enough for a demo on a laptop: batches of 8 samples, no warm-up, texts of at
     * most 64 tokens and clips cropped to their first second (an audio step on 5 s clips takes
     * seconds on a laptop's CPU), an export every 20 steps, a checkpoint every 10, a gate that
     * judges on 16 held-out samples. TEXT and AUDIO keep their recipes' learning rates (one rate
     * for all would stall IMAGE, which learns nothing at TEXT's); IMAGE trains at 1e-3, not its
     * recipe's 3e-3, because that rate is sized for 20 warm-up steps: without them, in 7 demo runs
     * the gate saw the held-out loss jump 4-13 % above the serving version's by step 24 in 5 (the
     * image refresh then waited for a third or fourth candidate), while at 1e-3 the candidates of
     * steps 12 and 24 improved in 5 of 6 (`d2v demo --json`, trainer decisions per modality).
     * Everything else as given.
     */
    public TrainerWorkerConfig forDemo() {
        return with(Map.ofEntries(Map.entry(BATCH_SIZE, "8"), Map.entry(MAX_TOKENS, "64"),
                Map.entry(AUDIO_MAX_SECONDS, "1.0"), Map.entry(WARMUP_STEPS, "0"), Map.entry(learningRateOf(Modality.IMAGE), "1e-3"),
                Map.entry(EXPORT_INTERVAL_STEPS, "20"), Map.entry(CHECKPOINT_INTERVAL_STEPS, "10"),
                Map.entry(LOG_INTERVAL_STEPS, "5"), Map.entry(HELDOUT_EVERY, "5"), Map.entry(HELDOUT_SIZE, "32"),
                Map.entry(GATE_HELDOUT_MIN, "16")));
    }

    /** Properties for this process's Kafka clients: pass-through settings plus the bootstrap servers. */
    public Map<String, Object> clientProperties() {
        return process.kafkaProperties();
    }

    /**
     * Settings for the registry client: the URL plus {@code schema.registry.*}, {@code basic.auth.*}
     * and the other keys the registry client defines ({@code max.retries}, {@code retries.wait.ms},
     * {@code http.connect.timeout.ms}...).
     */
    public Map<String, String> registryProperties() {
        return process.registryProperties();
    }

    /** The consumer group of a modality's loop: {@code <application.id>-<modality>}, e.g. {@code d2v-trainer-image}. */
    public String groupId(Modality modality) {
        return process.applicationId() + "-" + modality.folderName();
    }

    /** The TEXT loop's consumer group: {@code <application.id>-text}. */
    public String textGroupId() {
        return groupId(Modality.TEXT);
    }

    /** The modalities to train, in the order configured, each once. */
    public List<Modality> modalities() {
        return modalities;
    }

    /** How many loops may compute at once; 1 makes them take turns step by step. */
    public int concurrentSteps() {
        return concurrentSteps;
    }

    /** libtorch intra-op threads for the process; 0 leaves libtorch's own choice. */
    public int threads() {
        return threads;
    }

    public String bootstrapServers() {
        return process.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return process.schemaRegistryUrl();
    }

    public String applicationId() {
        return process.applicationId();
    }

    public Topics topics() {
        return process.topics();
    }

    public Path modelStoreDir() {
        return modelStoreDir;
    }

    public long modelSeed() {
        return modelSeed;
    }

    /** The root of every modality's checkpoint folder. */
    public Path checkpointDir() {
        return checkpointDir;
    }

    /** A modality's checkpoint folder: {@code <trainer.checkpoint.dir>/<modality>}, e.g. {@code d2v-data/checkpoints/image}. */
    public Path checkpointDir(Modality modality) {
        return checkpointDir.resolve(modality.folderName());
    }

    /** The TEXT trainer's hyperparameters. */
    public TrainerConfig training() {
        return training(Modality.TEXT);
    }

    /**
     * The hyperparameters of a modality's trainer: its data2vec recipe ({@link TrainingModality#trainingDefaults()})
     * with this config's batch size, learning rate, warm-up, seed, device and checkpoints kept.
     *
     * @throws IllegalArgumentException for a modality the trainer cannot train
     */
    public TrainerConfig training(Modality modality) {
        TrainerConfig c = training.get(modality);
        if (c == null) {
            throw new IllegalArgumentException(modality + " cannot be trained; trainable: " + training.keySet());
        }
        return c;
    }

    public int replayCapacity() {
        return replayCapacity;
    }

    public double replayFreshFraction() {
        return replayFreshFraction;
    }

    public int heldOutEvery() {
        return heldOutEvery;
    }

    public int heldOutSize() {
        return heldOutSize;
    }

    public int checkpointIntervalSteps() {
        return checkpointIntervalSteps;
    }

    public int exportIntervalSteps() {
        return exportIntervalSteps;
    }

    /** {@link Duration#ZERO} when only the step trigger exports. */
    public Duration exportInterval() {
        return exportInterval;
    }

    public int logIntervalSteps() {
        return logIntervalSteps;
    }

    /** -1 when the endpoint is off. */
    public int metricsPort() {
        return metricsPort;
    }

    public String metricsHost() {
        return metricsHost;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public int gateHeldOutMin() {
        return gateHeldOutMin;
    }

    public GateThresholds gate() {
        return gate;
    }

    /**
     * Every setting, ours with their values (defaults included) and the pass-through ones as given,
     * for the start-up log line, with secrets masked ({@link ConfigSecrets#described}, as the
     * pipeline's config does): passwords, JAAS configs, registry user info, and the user info of a
     * URL such as {@code schema.registry.url}.
     */
    public Map<String, String> describe() {
        return process.describe();
    }

    /**
     * The modalities of {@link #MODALITIES}: upper or lower case, blanks and repeats ignored.
     *
     * @throws ConfigException for an unknown or untrainable modality, or none
     */
    private static List<Modality> parseModalities(String value) {
        Set<Modality> out = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            Modality modality;
            try {
                modality = Modality.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(MODALITIES, value, "'" + part.trim() + "' is no modality; expected a "
                        + "comma-separated list of " + TrainingModality.trainable());
            }
            if (!TrainingModality.trainable().contains(modality)) {
                throw new ConfigException(MODALITIES, value, modality + " training is not available yet; the trainer "
                        + "trains " + TrainingModality.trainable());
            }
            out.add(modality);
        }
        if (out.isEmpty()) {
            throw new ConfigException(MODALITIES, value, "name at least one of " + TrainingModality.trainable());
        }
        return List.copyOf(out);
    }

    /** Validates {@link #MODALITIES} when the definition parses it, so every entry point fails the same way. */
    private static final class ModalitiesValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            parseModalities(String.valueOf(value));
        }

        @Override
        public String toString() {
            return "comma-separated list of " + TrainingModality.trainable();
        }
    }

    /** Consumer settings the trainer relies on; the caller's pass-through cannot change them. */
    public static Map<String, Object> fixedConsumerSettings(String groupId) {
        return Map.of(ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    /** A validator for an optional setting: unset (null) passes, a value must pass {@code inner}. */
    private static ConfigDef.Validator unsetOr(ConfigDef.Validator inner) {
        return (name, value) -> {
            if (value != null) {
                inner.ensureValid(name, value);
            }
        };
    }
}
