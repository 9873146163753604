package io.d2vstreams.cli.demo;

import io.d2vstreams.cli.TemporaryDirectory;
import io.d2vstreams.cli.client.GeneratedMedia;
import io.d2vstreams.cli.index.ServingIndexSearch;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.WireFormat;
import io.d2vstreams.schemas.WireModality;
import io.d2vstreams.topology.DeadLetterHeaders;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillWorker;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A finite run of the whole loop on the embedded default in a temporary directory: embedded
 * broker and registry, the pipeline and the trainer; generated text, images and audio (a few of
 * each deliberately bad); the trainer learns from the sampled events of every modality until the
 * quality gate has accepted a new version of each and the pipeline serves it; training stops and a
 * further share of each modality is embedded with the last accepted versions; every output is read
 * with {@code read_committed} until each input has its one result; and, with {@link DemoIndex}
 * following the embedding topics all along, once each modality's index has switched to that
 * version at its cut-over (the backfill re-embedded the history), one search per modality in it.
 */
public final class DemoRun {
    /**
     * @param records   good events to produce per modality (text, image, audio)
     * @param timeout   how long to wait for every result before giving up
     * @param workDir   where the stack keeps its data; a fresh temporary directory when empty
     * @param progress  where the progress bar goes (stderr), or null for none
     */
    public record Options(int records, Duration timeout, Optional<Path> workDir, PrintStream progress) {
        public Options {
            if (records < 1) {
                throw new IllegalArgumentException("--records must be at least 1, was " + records);
            }
        }
    }

    private static final long SEED = 7;
    /** Id prefix of the events produced after every modality's refresh. */
    static final String AFTER_REFRESH = "after-refresh-";
    /** Hits each closing search prints. */
    private static final int SEARCH_HITS = 3;

    private DemoRun() {
    }

    public static DemoReport run(Options options) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Path dir = options.workDir().isPresent() ? options.workDir().get() : Files.createTempDirectory("d2v-demo-");
        DemoReport report = new DemoReport();
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build())) {
            PipelineConfig config = pipelineConfig(stack, dir);
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 SchemaRegistryClient registry = new RestSchemaRegistryClient(
                         RegistryClientConfig.fromProperties(config.registryProperties()))) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                long deadline = System.nanoTime() + options.timeout().toNanos();
                int later = Math.max(1, options.records() / 2);
                try (DemoIndex index = DemoIndex.start(config, registry, dir.resolve("index"));
                     TrainerWorker trainer = TrainerWorker.start(trainerConfig(stack, dir))) {
                    Map<Modality, DemoQuery> queries = produce(config, registry, options.records(), later, report);
                    Map<Modality, Integer> refreshed = awaitRefresh(trainer, pipeline, deadline, options.progress());
                    // Training stops once every modality serves a trained version: a newer version would
                    // supersede the backfill of the one serving, and the demo wants that one's cut-over.
                    trainer.close();
                    Map<Modality, Integer> serving = awaitLastAccepted(trainer, pipeline, deadline);
                    produceAfterRefresh(config, registry, later, report);
                    collect(config, registry, report, options, deadline);
                    for (Modality modality : trainer.modalities()) {
                        report.trainer(modality, trainer.progress(modality), refreshed.get(modality));
                    }
                    index.awaitServing(serving, deadline, options.progress());
                    index.close();
                    ModelStore models = new ModelStore(config.modelStoreDir());
                    for (Modality modality : serving.keySet()) {
                        DemoQuery query = queries.get(modality);
                        report.search(modality, serving.get(modality), query, ServingIndexSearch.search(index.indexes(),
                                models, modality, query.query(), SEARCH_HITS));
                    }
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        } finally {
            if (options.workDir().isEmpty()) {
                TemporaryDirectory.deleteRecursively(dir);
            }
        }
        report.wallSeconds((System.nanoTime() - started) / 1e9);
        return report;
    }

    /**
     * The pipeline on the embedded stack. Every good event of each modality is sampled for
     * training (the default samples a fifth, at most 50 texts and 10 images or clips a second),
     * so that the trainer has enough data for a refresh of each within the demo. The backfill (on,
     * as by default) may take half of the encoder's time instead of a fifth: the demo's history is
     * the whole run, and once the trainer stops little else wants the cores, so at a fifth the
     * re-embedding of 200 clips kept the demo waiting for audio's cut-over about 18 s on 2 cores.
     */
    private static PipelineConfig pipelineConfig(DevStack stack, Path dir) {
        return PipelineConfig.from(Map.ofEntries(
                Map.entry(PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers()),
                Map.entry(PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()),
                Map.entry(PipelineConfig.APPLICATION_ID, "d2v-demo"),
                Map.entry(PipelineConfig.TOPIC_PARTITIONS, "2"),
                Map.entry(PipelineConfig.METRICS_PORT, "0"),
                Map.entry(PipelineConfig.SAMPLING_TEXT_RATE, "1.0"),
                Map.entry(PipelineConfig.SAMPLING_TEXT_MAX_PER_SECOND, "10000"),
                Map.entry(PipelineConfig.SAMPLING_IMAGE_RATE, "1.0"),
                Map.entry(PipelineConfig.SAMPLING_IMAGE_MAX_PER_SECOND, "10000"),
                Map.entry(PipelineConfig.SAMPLING_AUDIO_RATE, "1.0"),
                Map.entry(PipelineConfig.SAMPLING_AUDIO_MAX_PER_SECOND, "10000"),
                Map.entry(PipelineConfig.BACKFILL_MAX_SHARE, "0.5"),
                Map.entry(PipelineConfig.MODEL_STORE_DIR, dir.resolve("models").toString())));
    }

    /**
     * The trainer on the same stack and model store, training its default modalities (text,
     * images and audio), with the demo's small settings: each step trains on one fresh sample and
     * seven replayed ones, and a candidate is exported every 12 steps, so a few dozen sampled
     * events of a modality are enough for a refresh; a third of the samples are held out for the
     * gate, which wants at least 8.
     */
    private static TrainerWorkerConfig trainerConfig(DevStack stack, Path dir) {
        return TrainerWorkerConfig.from(Map.of(
                TrainerWorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                TrainerWorkerConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                TrainerWorkerConfig.APPLICATION_ID, "d2v-demo-trainer",
                TrainerWorkerConfig.MODEL_STORE_DIR, dir.resolve("models").toString(),
                TrainerWorkerConfig.CHECKPOINT_DIR, dir.resolve("checkpoints").toString()))
                .forDemo()
                .with(Map.of(TrainerWorkerConfig.HELDOUT_EVERY, "3", TrainerWorkerConfig.GATE_HELDOUT_MIN, "8",
                        TrainerWorkerConfig.REPLAY_FRESH_FRACTION, "0.125", TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "12"));
    }

    /**
     * Waits until, for every modality the trainer trains, the quality gate has accepted a version
     * and the pipeline serves it; returns that version per modality. Fails with what the trainer
     * got to if that does not happen in time.
     */
    private static Map<Modality, Integer> awaitRefresh(TrainerWorker trainer, EmbeddingPipeline pipeline, long deadline,
                                                       PrintStream progress) throws InterruptedException {
        Map<Modality, Integer> refreshed = new EnumMap<>(Modality.class);
        String lastShown = "";
        while (true) {
            if (trainer.failure().isPresent()) {
                throw new IllegalStateException("the trainer stopped: " + trainer.failure().get().getMessage(),
                        trainer.failure().get());
            }
            List<String> training = new ArrayList<>();
            for (Modality modality : trainer.modalities()) {
                TrainerWorker.Progress now = trainer.progress(modality);
                List<Integer> accepted = now.acceptedVersions();
                if (!refreshed.containsKey(modality) && !accepted.isEmpty()
                        && pipeline.activeModel(modality).version() >= accepted.get(0)) {
                    int serving = pipeline.activeModel(modality).version();
                    refreshed.put(modality, serving);
                    if (progress != null) {
                        progress.printf("model refresh: %s v%d accepted by the quality gate, now serving (step %d)%n",
                                modality.folderName(), serving, now.completedSteps());
                    }
                }
                if (!refreshed.containsKey(modality)) {
                    training.add(String.format(Locale.ROOT, "%s step %d (%d samples, loss %.3f)", modality.folderName(),
                            now.completedSteps(), now.samplesRead(), now.lastLoss()));
                }
            }
            if (refreshed.size() == trainer.modalities().size()) {
                return refreshed;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder got = new StringBuilder();
                for (Modality modality : trainer.modalities()) {
                    TrainerWorker.Progress now = trainer.progress(modality);
                    got.append(String.format(Locale.ROOT, "; %s: %d samples read (%d held out), %d steps, decisions %s",
                            modality.folderName(), now.samplesRead(), now.heldOut(), now.completedSteps(), now.decisions()));
                }
                throw new IllegalStateException("no model refresh of every modality in time, refreshed " + refreshed
                        + got + "; try more --records or a longer --timeout");
            }
            // One line whenever a modality has taken five more steps.
            StringBuilder shown = new StringBuilder();
            for (Modality modality : trainer.modalities()) {
                shown.append(trainer.progress(modality).completedSteps() / 5).append(',');
            }
            if (progress != null && !shown.toString().equals(lastShown)) {
                lastShown = shown.toString();
                progress.println("training: " + String.join(", ", training));
            }
            Thread.sleep(100);
        }
    }

    /**
     * The version every modality serves once the trainer has stopped: its last accepted one (the
     * pipeline may still be swapping to it when the trainer stops).
     */
    private static Map<Modality, Integer> awaitLastAccepted(TrainerWorker trainer, EmbeddingPipeline pipeline,
                                                            long deadline) throws InterruptedException {
        Map<Modality, Integer> last = new EnumMap<>(Modality.class);
        for (Modality modality : trainer.modalities()) {
            List<Integer> accepted = trainer.progress(modality).acceptedVersions();
            last.put(modality, accepted.get(accepted.size() - 1));
        }
        for (Modality modality : last.keySet()) {
            while (pipeline.activeModel(modality).version() != last.get(modality)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the pipeline serves " + modality.folderName() + " v"
                            + pipeline.activeModel(modality).version() + ", not v" + last.get(modality)
                            + ", the trainer's last accepted version");
                }
                Thread.sleep(50);
            }
        }
        return last;
    }

    /**
     * A further share of every modality, produced once each serves a trained version: the
     * pipeline embeds these with the trainer's versions. Their ids start with
     * {@link #AFTER_REFRESH}, which is how the report tells them apart.
     */
    private static void produceAfterRefresh(PipelineConfig config, SchemaRegistryClient registry, int records,
                                            DemoReport report) {
        Topics topics = config.topics();
        try (KafkaProducer<String, byte[]> producer = producer(config);
             SpecificAvroSerializer<TextEvent> texts = new SpecificAvroSerializer<>(registry);
             SpecificAvroSerializer<ImageEvent> images = new SpecificAvroSerializer<>(registry);
             SpecificAvroSerializer<AudioEvent> clips = new SpecificAvroSerializer<>(registry)) {
            String textTopic = topics.events(Modality.TEXT);
            List<SampleTexts.Sample> samples = SampleTexts.generate(records, SEED + 1);
            for (int i = 0; i < samples.size(); i++) {
                String id = AFTER_REFRESH + "text-" + i;
                producer.send(new ProducerRecord<>(textTopic, id, texts.serialize(textTopic, TextEvent.newBuilder().setId(id)
                        .setText(samples.get(i).text()).setTimestampMs(System.currentTimeMillis()).build())));
            }
            List<byte[]> imageFiles = GeneratedMedia.images(records, SEED + 1);
            for (int i = 0; i < imageFiles.size(); i++) {
                sendImage(producer, images, topics.events(Modality.IMAGE), AFTER_REFRESH + "image-" + i, imageFiles.get(i), null);
            }
            List<byte[]> clipFiles = GeneratedMedia.clips(records, SEED + 1);
            for (int i = 0; i < clipFiles.size(); i++) {
                sendAudio(producer, clips, topics.events(Modality.AUDIO), AFTER_REFRESH + "audio-" + i, clipFiles.get(i));
            }
            producer.flush();
            report.produced(Modality.TEXT, samples.size());
            report.produced(Modality.IMAGE, imageFiles.size());
            report.produced(Modality.AUDIO, clipFiles.size());
        }
    }

    private static KafkaProducer<String, byte[]> producer(PipelineConfig config) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The first share of every modality; returns the query of each modality's closing search, one of
     * these events ({@code later}: how many texts come after the refresh, which the text query must
     * not repeat).
     */
    private static Map<Modality, DemoQuery> produce(PipelineConfig config, SchemaRegistryClient registry, int records,
                                                    int later, DemoReport report) {
        Map<Modality, DemoQuery> queries = new EnumMap<>(Modality.class);
        try (KafkaProducer<String, byte[]> producer = producer(config)) {
            Topics topics = config.topics();
            report.produced(Modality.TEXT, produceText(producer, registry, topics.events(Modality.TEXT), records, later,
                    queries));
            report.produced(Modality.IMAGE, produceImages(producer, registry, topics.events(Modality.IMAGE), records,
                    queries));
            report.produced(Modality.AUDIO, produceAudio(producer, registry, topics.events(Modality.AUDIO), records,
                    queries));
            producer.flush();
        }
        return queries;
    }

    /** Generated sentences plus a few bad records; returns how many were sent. */
    private static int produceText(KafkaProducer<String, byte[]> producer, SchemaRegistryClient registry, String topic,
                                   int records, int later, Map<Modality, DemoQuery> queries) {
        try (SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            List<SampleTexts.Sample> samples = SampleTexts.generate(records, SEED);
            queries.put(Modality.TEXT, DemoQuery.uniqueText(samples, "text-", SampleTexts.generate(later, SEED + 1)));
            for (int i = 0; i < samples.size(); i++) {
                String id = "text-" + i;
                TextEvent event = TextEvent.newBuilder().setId(id).setText(samples.get(i).text())
                        .setTimestampMs(System.currentTimeMillis()).build();
                producer.send(new ProducerRecord<>(topic, id, serializer.serialize(topic, event)));
            }
            // A few bad records, to show the dead-letter path.
            List<ProducerRecord<String, byte[]>> bad = new ArrayList<>();
            bad.add(new ProducerRecord<>(topic, "bad-not-avro", "plain text, not Avro".getBytes(StandardCharsets.UTF_8)));
            bad.add(new ProducerRecord<>(topic, "bad-unknown-schema", unknownSchemaIdValue()));
            bad.add(new ProducerRecord<>(topic, "bad-empty", serializer.serialize(topic,
                    TextEvent.newBuilder().setId("bad-empty").setText("   ").build())));
            bad.forEach(producer::send);
            return samples.size() + bad.size();
        }
    }

    /** Generated images plus one corrupt, one claiming 10^10 pixels, one empty and one by a refused URI. */
    private static int produceImages(KafkaProducer<String, byte[]> producer, SchemaRegistryClient registry,
                                     String topic, int records, Map<Modality, DemoQuery> queries) {
        try (SpecificAvroSerializer<ImageEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            List<byte[]> images = GeneratedMedia.images(records, SEED);
            queries.put(Modality.IMAGE, DemoQuery.ofContent("image-0", images.get(0)));
            for (int i = 0; i < images.size(); i++) {
                sendImage(producer, serializer, topic, "image-" + i, images.get(i), null);
            }
            sendImage(producer, serializer, topic, "bad-image-corrupt", SampleMedia.corruptPng(), null);
            sendImage(producer, serializer, topic, "bad-image-huge", SampleMedia.hugePngHeader(), null);
            sendImage(producer, serializer, topic, "bad-image-empty", new byte[0], null);
            // The embedded default allows no URI (uri.allowed.dirs and uri.allowed.hosts are empty).
            sendImage(producer, serializer, topic, "bad-image-uri", null, "file:///srv/media/cat.png");
            return images.size() + 4;
        }
    }

    /** Generated clips plus one too long, one not audio at all and one with no content. */
    private static int produceAudio(KafkaProducer<String, byte[]> producer, SchemaRegistryClient registry,
                                    String topic, int records, Map<Modality, DemoQuery> queries) {
        try (SpecificAvroSerializer<AudioEvent> serializer = new SpecificAvroSerializer<>(registry)) {
            List<byte[]> clips = GeneratedMedia.clips(records, SEED);
            queries.put(Modality.AUDIO, DemoQuery.ofContent("audio-0", clips.get(0)));
            for (int i = 0; i < clips.size(); i++) {
                sendAudio(producer, serializer, topic, "audio-" + i, clips.get(i));
            }
            sendAudio(producer, serializer, topic, "bad-audio-too-long", SampleMedia.tooLongClip());
            sendAudio(producer, serializer, topic, "bad-audio-not-audio", SampleMedia.notAudio());
            sendAudio(producer, serializer, topic, "bad-audio-missing", null);
            return clips.size() + 3;
        }
    }

    private static void sendImage(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<ImageEvent> serializer,
                                  String topic, String id, byte[] content, String uri) {
        ImageEvent event = ImageEvent.newBuilder().setId(id).setContent(content == null ? null : ByteBuffer.wrap(content))
                .setUri(uri).setTimestampMs(System.currentTimeMillis()).build();
        producer.send(new ProducerRecord<>(topic, id, serializer.serialize(topic, event)));
    }

    private static void sendAudio(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<AudioEvent> serializer,
                                  String topic, String id, byte[] content) {
        AudioEvent event = AudioEvent.newBuilder().setId(id).setContent(content == null ? null : ByteBuffer.wrap(content))
                .setTimestampMs(System.currentTimeMillis()).build();
        producer.send(new ProducerRecord<>(topic, id, serializer.serialize(topic, event)));
    }

    private static byte[] unknownSchemaIdValue() {
        return ByteBuffer.allocate(WireFormat.HEADER_SIZE + 3).put(WireFormat.MAGIC_BYTE).putInt(999_999)
                .put(new byte[]{2, 'h', 'i'}).array();
    }

    private static void collect(PipelineConfig config, SchemaRegistryClient registry, DemoReport report,
                                Options options, long deadline) {
        Topics topics = config.topics();
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "d2v-demo-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int expected = report.totalProduced();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
             SpecificAvroDeserializer<Embedding> embeddings = new SpecificAvroDeserializer<>(registry, Embedding.class);
             ProgressBar bar = progressBar(options.progress(), expected)) {
            consumer.subscribe(List.of(topics.embeddings(Modality.TEXT), topics.embeddings(Modality.IMAGE),
                    topics.embeddings(Modality.AUDIO), topics.deadLetters()));
            while (report.totalSeen() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("demo saw " + report.totalSeen() + " of " + expected
                            + " results after " + options.timeout().toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.headers().lastHeader(BackfillWorker.HEADER) != null) {
                        // The history re-embedded after a refresh: a second embedding of an event already
                        // counted, which the report's "embedded" (events embedded) must not count again.
                        continue;
                    }
                    if (record.topic().equals(topics.deadLetters())) {
                        report.deadLettered(modalityOf(topics, header(record, DeadLetterHeaders.SOURCE_TOPIC)),
                                header(record, DeadLetterHeaders.REASON));
                    } else {
                        Embedding embedding = embeddings.deserialize(record.topic(), record.value());
                        report.embedded(WireModality.as(Modality.class, embedding.getModality()), embedding.getModelVersion(),
                                embedding.getId().startsWith(AFTER_REFRESH));
                    }
                    if (bar != null) {
                        bar.step();
                    }
                }
            }
        }
    }

    private static ProgressBar progressBar(PrintStream out, int total) {
        if (out == null) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("embedding").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out))
                .setUpdateIntervalMillis(250).build();
    }

    private static Modality modalityOf(Topics topics, String sourceTopic) {
        for (Modality modality : Modality.values()) {
            if (topics.events(modality).equals(sourceTopic)) {
                return modality;
            }
        }
        throw new IllegalStateException("dead letter from unexpected topic " + sourceTopic);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
