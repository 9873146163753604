package io.d2vstreams.topology;

import io.d2vstreams.runtime.Device;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.ClientSettings;
import io.d2vstreams.schemas.ConfigSecrets;
import io.d2vstreams.schemas.ProcessSettings;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The embedding pipeline's settings, parsed and validated once at start-up. Each key's name,
 * default and documentation live together in {@link #DEFINITION}; anything that is not one of
 * our keys is handed to the Kafka clients untouched, so SASL, TLS and tuning settings pass
 * through. A bad value fails fast with the key, the value and what was expected.
 */
public final class PipelineConfig {
    public static final String BOOTSTRAP_SERVERS = ProcessSettings.BOOTSTRAP_SERVERS;
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka cluster to read events from and write embeddings to.";
    public static final String SCHEMA_REGISTRY_URL = ProcessSettings.SCHEMA_REGISTRY_URL;
    private static final String SCHEMA_REGISTRY_URL_DOC = "Confluent-compatible Schema Registry base URL (comma-separated for several).";
    public static final String APPLICATION_ID = ProcessSettings.APPLICATION_ID;
    private static final String APPLICATION_ID_DOC = "Kafka Streams application id: the consumer group and the prefix of internal topics.";
    public static final String TOPIC_PREFIX = ProcessSettings.TOPIC_PREFIX;
    private static final String TOPIC_PREFIX_DOC = "Prefix of every topic the product owns (d2v.events.text, ...).";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of the topics created at start-up when missing; more partitions allow more pipeline instances.";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    private static final String TOPIC_REPLICATION_FACTOR_DOC = "Replication factor of created topics; -1 takes the broker's default.";
    public static final String MODEL_STORE_DIR = "model.store.dir";
    private static final String MODEL_STORE_DIR_DOC = "Directory of the model store (one sub-directory per modality and version).";
    public static final String MODEL_SEED = "model.seed";
    private static final String MODEL_SEED_DOC = "Seed of the tiny default encoder generated when the store has no version of a modality.";
    // Every modality has the same settings under its own name, spelled by the *Key methods below and
    // defined in one loop (see withModalityKeys); these constants name them for callers and tests.
    public static final String TEXT_BATCH_MAX_SIZE = batchMaxSizeKey(Modality.TEXT);
    public static final String TEXT_BATCH_MAX_WAIT_MS = batchMaxWaitKey(Modality.TEXT);
    public static final String TEXT_MAX_CHARS = inputLimitKey(Modality.TEXT);
    public static final String IMAGE_BATCH_MAX_SIZE = batchMaxSizeKey(Modality.IMAGE);
    public static final String IMAGE_BATCH_MAX_WAIT_MS = batchMaxWaitKey(Modality.IMAGE);
    public static final String IMAGE_MAX_BYTES = inputLimitKey(Modality.IMAGE);
    public static final String AUDIO_BATCH_MAX_SIZE = batchMaxSizeKey(Modality.AUDIO);
    public static final String AUDIO_BATCH_MAX_WAIT_MS = batchMaxWaitKey(Modality.AUDIO);
    public static final String AUDIO_MAX_BYTES = inputLimitKey(Modality.AUDIO);
    public static final String URI_ALLOWED_DIRS = "uri.allowed.dirs";
    private static final String URI_ALLOWED_DIRS_DOC = "Directories whose files image and audio events may name as file: URIs (comma-separated; "
            + "resolved with symbolic links, so nothing outside them is reachable). Empty: every file: URI is refused.";
    public static final String URI_ALLOWED_HOSTS = "uri.allowed.hosts";
    private static final String URI_ALLOWED_HOSTS_DOC = "Hosts (name, or name:port) that image and audio events may name as http(s): URIs, "
            + "redirects included (comma-separated). Empty: every http(s): URI is refused.";
    public static final String URI_MAX_BYTES = "uri.max.bytes";
    private static final String URI_MAX_BYTES_DOC = "Most bytes read from one URI; the transfer stops there and the event is dead-lettered as CONTENT_TOO_LARGE.";
    public static final String URI_TIMEOUT_MS = "uri.timeout.ms";
    private static final String URI_TIMEOUT_MS_DOC = "Longest one URI fetch may take, redirects and body included; slower ones are dead-lettered as URI_FETCH_FAILED.";
    public static final String SAMPLING_ENABLED = "sampling.enabled";
    private static final String SAMPLING_ENABLED_DOC = "Run the sampling topology that feeds d2v.training.samples.";
    public static final String SAMPLING_TEXT_RATE = samplingRateKey(Modality.TEXT);
    public static final String SAMPLING_TEXT_MAX_PER_SECOND = samplingMaxPerSecondKey(Modality.TEXT);
    public static final String SAMPLING_IMAGE_RATE = samplingRateKey(Modality.IMAGE);
    public static final String SAMPLING_IMAGE_MAX_PER_SECOND = samplingMaxPerSecondKey(Modality.IMAGE);
    public static final String SAMPLING_AUDIO_RATE = samplingRateKey(Modality.AUDIO);
    public static final String SAMPLING_AUDIO_MAX_PER_SECOND = samplingMaxPerSecondKey(Modality.AUDIO);
    public static final String BACKFILL_ENABLED = "backfill.enabled";
    private static final String BACKFILL_ENABLED_DOC = "Run backfill workers in this process: after a modality's serving version "
            + "changes, re-embed the retained input before each partition's swap point with the new version, and publish "
            + "the cut-over on d2v.backfill when done. Off: this instance takes no share of any backfill.";
    public static final String BACKFILL_AUTO = "backfill.auto";
    private static final String BACKFILL_AUTO_DOC = "Start a backfill on every version change. Off: a backfill starts only when "
            + "asked for with d2v models backfill (for instance off-peak); the live pipeline writes swap points either way.";
    public static final String BACKFILL_MAX_SHARE = "backfill.max.share";
    private static final String BACKFILL_MAX_SHARE_DOC = "Largest share of wall-clock time a backfill worker spends encoding: after a "
            + "batch that took t, it pauses t*(1-share)/share. The default keeps live throughput at 0.8x or more of what it is "
            + "without a backfill; 1 runs the backfill flat out.";
    public static final String BACKFILL_BATCH_SIZE = "backfill.batch.size";
    private static final String BACKFILL_BATCH_SIZE_DOC = "Most input records a backfill worker reads, embeds and commits in one transaction.";
    public static final String METRICS_PORT = "metrics.port";
    private static final String METRICS_PORT_DOC = "Port of /metrics (Prometheus) and /health; 0 picks a free port, -1 turns the endpoint off.";
    public static final String HEALTH_CLUSTER_TIMEOUT_MS = "health.cluster.timeout.ms";
    private static final String HEALTH_CLUSTER_TIMEOUT_MS_DOC = "/health reports DOWN (cluster_unreachable) when no broker has "
            + "answered the pipeline's probe (one small metadata request a second) for this long.";
    public static final String HEALTH_STALL_TIMEOUT_MS = "health.stall.timeout.ms";
    private static final String HEALTH_STALL_TIMEOUT_MS_DOC = "/health reports DOWN (stalled) when records wait on this "
            + "instance's input partitions (committed offset behind the end) and none has been processed (committed, "
            + "embedded or dead-lettered) for this long. Raise it when one micro-batch may take longer to encode.";
    public static final String METRICS_HOST = "metrics.host";
    private static final String METRICS_HOST_DOC = "Address the metrics endpoint binds to; 0.0.0.0 to be scraped from other hosts.";
    public static final String ENCODER_THREADS = "encoder.threads";
    private static final String ENCODER_THREADS_DOC = "ONNX Runtime intra-op threads per encoder; 0 lets ONNX Runtime choose.";
    public static final String ENCODER_SPIN_WAIT = "encoder.spin.wait";
    private static final String ENCODER_SPIN_WAIT_DOC = "Let ONNX Runtime's threads spin between runs instead of sleeping. "
            + "Off by default: spinning threads take the cores the stream thread, the Kafka clients (and an in-process "
            + "broker) need between two runs; on 2 cores it cost the pipeline a fifth to a quarter of its throughput.";
    public static final String ENCODER_MAX_RUN_SIZE = "encoder.max.run.size";
    private static final String ENCODER_MAX_RUN_SIZE_DOC = "Most inputs in one ONNX Runtime run. A micro-batch larger than "
            + "this is sorted by length into runs of this size, so texts and clips are padded only to their run's longest "
            + "member: micro-batches of several runs keep padding low.";
    public static final String ENCODER_DEVICE = "encoder.device";
    private static final String ENCODER_DEVICE_DOC = "Where encoders run: cpu, or cuda (ONNX Runtime's CUDA execution provider, "
            + "needs the cuda build); cuda falls back to cpu with one WARN line when no GPU can be used.";
    public static final String STREAM_THREADS = "num.stream.threads";
    private static final String STREAM_THREADS_DOC = "Kafka Streams threads in this instance.";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    private static final String PROCESSING_GUARANTEE_DOC = "Kafka Streams processing guarantee; exactly_once_v2 gives one output per input across crashes.";
    /** Kafka's own consumer key, typed here because its default is ours: it sets how fast a dead instance's partitions move. */
    public static final String SESSION_TIMEOUT_MS = ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG;
    private static final String SESSION_TIMEOUT_MS_DOC = "How long the consumer group waits for a silent instance (killed, frozen, "
            + "cut off) before its partitions move to the others: the pipeline's failover time, plus a rebalance and the "
            + "abort of the dead instance's open transaction. Kafka's own default is 45 s. Must lie within the broker's "
            + "group.min.session.timeout.ms and group.max.session.timeout.ms (6 s and 30 min by default). Used with the "
            + "classic group protocol (Kafka Streams' default); with group.protocol=streams the broker's "
            + "group.streams.session.timeout.ms decides instead.";
    public static final String HEARTBEAT_INTERVAL_MS = ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG;
    private static final String HEARTBEAT_INTERVAL_MS_DOC = "Time between an instance's heartbeats to the group coordinator; "
            + "must be lower than session.timeout.ms, at most a third of it so that one lost heartbeat is not a failover.";

    /**
     * 8 MiB: far above a photo or a 30 s clip as an event would carry them, and small enough
     * that a buffered record (the bytes plus the original value) fits the changelog's limit.
     */
    private static final int DEFAULT_MEDIA_MAX_BYTES = 8 * 1024 * 1024;

    /**
     * What differs between the modalities' settings: the defaults, the input limit's unit and
     * refusal, and a few words of the docs. A new modality is one more row.
     */
    private record ModalityDefaults(int batchMaxSize, long batchMaxWaitMs, String waitDocTail, int inputLimit,
                                    String inputLimitDoc, double samplesPerSecond, String samplingDocTail) {
    }

    private static final Map<Modality, ModalityDefaults> MODALITY_DEFAULTS = new EnumMap<>(Map.of(
            Modality.TEXT, new ModalityDefaults(128, 50L, "; bounds latency when traffic is light", 10_000,
                    "Texts longer than this many characters (Unicode code points) are dead-lettered as TEXT_TOO_LONG.",
                    50.0, ""),
            Modality.IMAGE, new ModalityDefaults(16, 100L, "", DEFAULT_MEDIA_MAX_BYTES,
                    "Images (inline or fetched) larger than this many bytes are dead-lettered as CONTENT_TOO_LARGE.",
                    10.0, " (inline content only)"),
            Modality.AUDIO, new ModalityDefaults(8, 100L, "", DEFAULT_MEDIA_MAX_BYTES,
                    "Audio clips (inline or fetched) larger than this many bytes are dead-lettered as CONTENT_TOO_LARGE.",
                    10.0, " (inline content only)")));

    /** {@code <m>.batch.max.size}: most records of the modality in one batch. */
    public static String batchMaxSizeKey(Modality m) {
        return m.folderName() + ".batch.max.size";
    }

    /** {@code <m>.batch.max.wait.ms}: longest a buffered record waits for its batch to fill. */
    public static String batchMaxWaitKey(Modality m) {
        return m.folderName() + ".batch.max.wait.ms";
    }

    /** {@code text.max.chars} (Unicode code points) or {@code <m>.max.bytes} (the media bytes, inline or fetched). */
    public static String inputLimitKey(Modality m) {
        return m.folderName() + (m == Modality.TEXT ? ".max.chars" : ".max.bytes");
    }

    /** {@code sampling.<m>.rate}: the fraction of events sampled for training. */
    public static String samplingRateKey(Modality m) {
        return "sampling." + m.folderName() + ".rate";
    }

    /** {@code sampling.<m>.max.per.second}: most training samples per second per stream task. */
    public static String samplingMaxPerSecondKey(Modality m) {
        return "sampling." + m.folderName() + ".max.per.second";
    }

    /** Each modality's batch, input-limit and sampling keys, with its defaults. */
    private static ConfigDef withModalityKeys(ConfigDef definition) {
        for (Modality m : Modality.values()) {
            ModalityDefaults d = MODALITY_DEFAULTS.get(m);
            String name = m.folderName();
            definition
                .define(batchMaxSizeKey(m), Type.INT, d.batchMaxSize(), Range.between(1, 4096), Importance.MEDIUM,
                    "Most " + name + " records encoded in one batch.")
                .define(batchMaxWaitKey(m), Type.LONG, d.batchMaxWaitMs(), Range.between(1, 60_000), Importance.MEDIUM,
                    "Longest a buffered " + name + " record waits for its batch to fill" + d.waitDocTail() + ".")
                .define(inputLimitKey(m), Type.INT, d.inputLimit(), Range.atLeast(1), Importance.MEDIUM, d.inputLimitDoc())
                .define(samplingRateKey(m), Type.DOUBLE, 0.2, Range.between(0.0, 1.0), Importance.MEDIUM,
                    "Fraction of " + name + " events sampled for training, by a hash of the event id" + d.samplingDocTail() + ".")
                .define(samplingMaxPerSecondKey(m), Type.DOUBLE, d.samplesPerSecond(), Range.atLeast(0.001), Importance.MEDIUM,
                    "Most " + name + " training samples written per second per stream task.");
        }
        return definition;
    }

    public static final ConfigDef DEFINITION = withModalityKeys(new ConfigDef())
            .define(BOOTSTRAP_SERVERS, Type.STRING, "localhost:9092", Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "http://localhost:8081", Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(APPLICATION_ID, Type.STRING, "d2v-pipeline", Importance.HIGH, APPLICATION_ID_DOC)
            .define(TOPIC_PREFIX, Type.STRING, Topics.DEFAULT_PREFIX, Importance.MEDIUM, TOPIC_PREFIX_DOC)
            .define(TOPIC_PARTITIONS, Type.INT, 3, Range.atLeast(1), Importance.MEDIUM, TOPIC_PARTITIONS_DOC)
            .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.MEDIUM, TOPIC_REPLICATION_FACTOR_DOC)
            .define(MODEL_STORE_DIR, Type.STRING, "d2v-data/models", Importance.HIGH, MODEL_STORE_DIR_DOC)
            .define(MODEL_SEED, Type.LONG, 42L, Importance.LOW, MODEL_SEED_DOC)
            .define(URI_ALLOWED_DIRS, Type.LIST, "", Importance.MEDIUM, URI_ALLOWED_DIRS_DOC)
            .define(URI_ALLOWED_HOSTS, Type.LIST, "", Importance.MEDIUM, URI_ALLOWED_HOSTS_DOC)
            .define(URI_MAX_BYTES, Type.INT, DEFAULT_MEDIA_MAX_BYTES, Range.atLeast(1), Importance.MEDIUM, URI_MAX_BYTES_DOC)
            .define(URI_TIMEOUT_MS, Type.LONG, 5_000L, Range.between(1, 600_000), Importance.MEDIUM, URI_TIMEOUT_MS_DOC)
            .define(SAMPLING_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM, SAMPLING_ENABLED_DOC)
            .define(BACKFILL_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM, BACKFILL_ENABLED_DOC)
            .define(BACKFILL_AUTO, Type.BOOLEAN, true, Importance.MEDIUM, BACKFILL_AUTO_DOC)
            .define(BACKFILL_MAX_SHARE, Type.DOUBLE, 0.2, Range.between(0.01, 1.0), Importance.MEDIUM, BACKFILL_MAX_SHARE_DOC)
            .define(BACKFILL_BATCH_SIZE, Type.INT, 32, Range.between(1, 4096), Importance.LOW, BACKFILL_BATCH_SIZE_DOC)
            .define(METRICS_PORT, Type.INT, 9400, Range.between(-1, 65535), Importance.MEDIUM, METRICS_PORT_DOC)
            .define(METRICS_HOST, Type.STRING, "localhost", Importance.LOW, METRICS_HOST_DOC)
            .define(HEALTH_CLUSTER_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(1_000), Importance.LOW,
                    HEALTH_CLUSTER_TIMEOUT_MS_DOC)
            .define(HEALTH_STALL_TIMEOUT_MS, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.LOW,
                    HEALTH_STALL_TIMEOUT_MS_DOC)
            .define(ENCODER_THREADS, Type.INT, 0, Range.atLeast(0), Importance.LOW, ENCODER_THREADS_DOC)
            .define(ENCODER_SPIN_WAIT, Type.BOOLEAN, false, Importance.LOW, ENCODER_SPIN_WAIT_DOC)
            .define(ENCODER_MAX_RUN_SIZE, Type.INT, 32, Range.between(1, 4096), Importance.LOW, ENCODER_MAX_RUN_SIZE_DOC)
            .define(ENCODER_DEVICE, Type.STRING, "cpu", ConfigDef.CaseInsensitiveValidString.in("cpu", "cuda"),
                    Importance.MEDIUM, ENCODER_DEVICE_DOC)
            .define(STREAM_THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, STREAM_THREADS_DOC)
            .define(PROCESSING_GUARANTEE, Type.STRING, StreamsConfig.EXACTLY_ONCE_V2,
                    ConfigDef.ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
                    Importance.MEDIUM, PROCESSING_GUARANTEE_DOC)
            .define(SESSION_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.MEDIUM, SESSION_TIMEOUT_MS_DOC)
            .define(HEARTBEAT_INTERVAL_MS, Type.INT, 3_000, Range.atLeast(1), Importance.LOW, HEARTBEAT_INTERVAL_MS_DOC);

    /**
     * Keys we define that Kafka's clients define too, so they pass through as well: Kafka Streams and
     * plain consumers read them under the same names (we set our parsed values where they matter).
     */
    private static final Set<String> SHARED_WITH_KAFKA = Set.of(BOOTSTRAP_SERVERS, APPLICATION_ID, STREAM_THREADS,
            PROCESSING_GUARANTEE, SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS);
    /** Our own keys: these are not forwarded to any client. */
    private static final Set<String> OWN_KEYS = DEFINITION.names().stream()
            .filter(key -> !SHARED_WITH_KAFKA.contains(key)).collect(Collectors.toUnmodifiableSet());

    private final ProcessSettings process;
    private final int topicPartitions;
    private final short topicReplicationFactor;
    private final Path modelStoreDir;
    private final long modelSeed;
    private final Map<Modality, BatchPolicy> batches = new EnumMap<>(Modality.class);
    private final Map<Modality, Integer> inputLimits = new EnumMap<>(Modality.class);
    private final Map<Modality, SamplingPolicy> samplings = new EnumMap<>(Modality.class);
    private final UriPolicy uriPolicy;
    private final boolean samplingEnabled;
    private final boolean backfillEnabled;
    private final boolean backfillAuto;
    private final double backfillMaxShare;
    private final int backfillBatchSize;
    private final int metricsPort;
    private final String metricsHost;
    private final Duration healthClusterTimeout;
    private final Duration healthStallTimeout;
    private final int encoderThreads;
    private final boolean encoderSpinWait;
    private final Device encoderDevice;
    private final int encoderMaxRunSize;
    private final int streamThreads;
    private final String processingGuarantee;
    private final int sessionTimeoutMs;
    private final int heartbeatIntervalMs;

    private PipelineConfig(Map<String, String> settings) {
        this.process = ProcessSettings.parse(DEFINITION, settings, OWN_KEYS);
        AbstractConfig parsed = process.parsed();
        this.topicPartitions = parsed.getInt(TOPIC_PARTITIONS);
        this.topicReplicationFactor = parsed.getShort(TOPIC_REPLICATION_FACTOR);
        this.modelStoreDir = Path.of(parsed.getString(MODEL_STORE_DIR));
        this.modelSeed = parsed.getLong(MODEL_SEED);
        for (Modality m : Modality.values()) {
            batches.put(m, new BatchPolicy(parsed.getInt(batchMaxSizeKey(m)), Duration.ofMillis(parsed.getLong(batchMaxWaitKey(m)))));
            inputLimits.put(m, parsed.getInt(inputLimitKey(m)));
            samplings.put(m, new SamplingPolicy(parsed.getDouble(samplingRateKey(m)), parsed.getDouble(samplingMaxPerSecondKey(m))));
        }
        this.uriPolicy = new UriPolicy(parsed.getList(URI_ALLOWED_DIRS).stream().map(String::trim)
                .filter(d -> !d.isEmpty()).map(Path::of).toList(),
                Set.copyOf(parsed.getList(URI_ALLOWED_HOSTS)), parsed.getInt(URI_MAX_BYTES),
                Duration.ofMillis(parsed.getLong(URI_TIMEOUT_MS)));
        this.samplingEnabled = parsed.getBoolean(SAMPLING_ENABLED);
        this.backfillEnabled = parsed.getBoolean(BACKFILL_ENABLED);
        this.backfillAuto = parsed.getBoolean(BACKFILL_AUTO);
        this.backfillMaxShare = parsed.getDouble(BACKFILL_MAX_SHARE);
        this.backfillBatchSize = parsed.getInt(BACKFILL_BATCH_SIZE);
        this.metricsPort = parsed.getInt(METRICS_PORT);
        this.metricsHost = parsed.getString(METRICS_HOST);
        this.healthClusterTimeout = Duration.ofMillis(parsed.getLong(HEALTH_CLUSTER_TIMEOUT_MS));
        this.healthStallTimeout = Duration.ofMillis(parsed.getLong(HEALTH_STALL_TIMEOUT_MS));
        this.encoderThreads = parsed.getInt(ENCODER_THREADS);
        this.encoderSpinWait = parsed.getBoolean(ENCODER_SPIN_WAIT);
        this.encoderDevice = Device.valueOf(parsed.getString(ENCODER_DEVICE).toUpperCase(Locale.ROOT));
        this.encoderMaxRunSize = parsed.getInt(ENCODER_MAX_RUN_SIZE);
        this.streamThreads = parsed.getInt(STREAM_THREADS);
        this.processingGuarantee = parsed.getString(PROCESSING_GUARANTEE);
        this.sessionTimeoutMs = parsed.getInt(SESSION_TIMEOUT_MS);
        this.heartbeatIntervalMs = parsed.getInt(HEARTBEAT_INTERVAL_MS);
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new ConfigException(HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs,
                    "must be lower than " + SESSION_TIMEOUT_MS + " (" + sessionTimeoutMs + ")");
        }
    }

    /**
     * Parses {@code settings} (raw strings, typically from {@link ConfigSource}).
     *
     * @throws ConfigException naming the key, the value and what was expected
     */
    public static PipelineConfig from(Map<String, String> settings) {
        return new PipelineConfig(settings);
    }

    public static PipelineConfig defaults() {
        return from(Map.of());
    }

    /** A copy of this config with some settings replaced; used by the embedded stack and tests. */
    public PipelineConfig with(Map<String, String> overrides) {
        return from(process.with(overrides));
    }

    /** Properties for Kafka Streams: pass-through settings plus ours, our values winning. */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = process.kafkaProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, process.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        // Unprefixed, so that a main.consumer.* or consumer.* setting still wins by Kafka Streams' own
        // precedence. Only the classic group protocol takes these from the client: with the streams
        // protocol (KIP-1071) the broker's group.streams.* settings decide.
        if (process.passThrough().getOrDefault(StreamsConfig.GROUP_PROTOCOL_CONFIG, StreamsConfig.DEFAULT_GROUP_PROTOCOL)
                .trim().equalsIgnoreCase(StreamsConfig.DEFAULT_GROUP_PROTOCOL)) {
            props.put(SESSION_TIMEOUT_MS, sessionTimeoutMs);
            props.put(HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs);
        }
        return props;
    }

    /** Properties for plain Kafka clients (admin, producers, consumers) of this process. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = process.kafkaProperties();
        props.keySet().removeIf(key -> key.equals(APPLICATION_ID) || key.equals(PROCESSING_GUARANTEE)
                || key.equals(STREAM_THREADS));
        return props;
    }

    /**
     * Settings for the registry client: the URL plus {@code schema.registry.*}, {@code basic.auth.*}
     * and the other keys the registry client defines, split as {@link ClientSettings} does for the trainer too.
     */
    public Map<String, String> registryProperties() {
        return process.registryProperties();
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

    public int topicPartitions() {
        return topicPartitions;
    }

    public short topicReplicationFactor() {
        return topicReplicationFactor;
    }

    public Path modelStoreDir() {
        return modelStoreDir;
    }

    public long modelSeed() {
        return modelSeed;
    }

    /**
     * The modality's input limit ({@link #inputLimitKey}): text's in Unicode code points, image's
     * and audio's in bytes of media, inline or fetched.
     */
    public int inputLimit(Modality modality) {
        return inputLimits.get(modality);
    }

    /** The batch policy of one modality's path. */
    public BatchPolicy batch(Modality modality) {
        return batches.get(modality);
    }

    /** Which image and audio URIs are fetched. */
    public UriPolicy uriPolicy() {
        return uriPolicy;
    }

    public boolean samplingEnabled() {
        return samplingEnabled;
    }

    /** How many of the modality's events are sampled for training. */
    public SamplingPolicy sampling(Modality modality) {
        return samplings.get(modality);
    }

    /** -1 when the endpoint is off. */
    public boolean backfillEnabled() {
        return backfillEnabled;
    }

    public boolean backfillAuto() {
        return backfillAuto;
    }

    public double backfillMaxShare() {
        return backfillMaxShare;
    }

    public int backfillBatchSize() {
        return backfillBatchSize;
    }

    public int metricsPort() {
        return metricsPort;
    }

    public String metricsHost() {
        return metricsHost;
    }

    /** How long the cluster may stay silent before /health says DOWN. */
    public Duration healthClusterTimeout() {
        return healthClusterTimeout;
    }

    /** How long records may wait with none processed before /health says DOWN. */
    public Duration healthStallTimeout() {
        return healthStallTimeout;
    }

    public int encoderThreads() {
        return encoderThreads;
    }

    /** Whether ONNX Runtime's threads spin between runs ({@link #ENCODER_SPIN_WAIT}). */
    public boolean encoderSpinWait() {
        return encoderSpinWait;
    }

    public Device encoderDevice() {
        return encoderDevice;
    }

    public int encoderMaxRunSize() {
        return encoderMaxRunSize;
    }

    public String processingGuarantee() {
        return processingGuarantee;
    }

    /** How long the group waits for a silent instance before its partitions move (classic group protocol). */
    public Duration sessionTimeout() {
        return Duration.ofMillis(sessionTimeoutMs);
    }

    public Duration heartbeatInterval() {
        return Duration.ofMillis(heartbeatIntervalMs);
    }

    /**
     * Every setting, ours with their values (defaults included) and the pass-through ones as given,
     * for the start-up log line, with secrets masked ({@link ConfigSecrets#described}, as the
     * trainer's config does): passwords, JAAS configs, registry user info, and the user info of a URL.
     */
    public Map<String, String> describe() {
        return process.describe();
    }
}
