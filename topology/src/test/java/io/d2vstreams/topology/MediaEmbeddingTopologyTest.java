package io.d2vstreams.topology;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.internal.BatchEncoder;
import io.d2vstreams.topology.internal.MediaBatchEncoder;
import io.d2vstreams.topology.internal.MediaEventDecoder;
import io.d2vstreams.topology.internal.UriFetcher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The image and audio embedding paths")
class MediaEmbeddingTopologyTest {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String IMAGES = TOPICS.events(Modality.IMAGE);
    private static final String AUDIO = TOPICS.events(Modality.AUDIO);

    @TempDir
    static Path dir;
    private static DevStack stack;
    private static SchemaRegistryClient registry;
    private static ModelStore store;
    private static ModelManifest text;
    private static ModelManifest image;
    private static ModelManifest audio;

    private ServingModels models;
    private TopologyTestDriver driver;
    private SpecificAvroSerializer<ImageEvent> imageSerializer;
    private SpecificAvroSerializer<AudioEvent> audioSerializer;
    private SpecificAvroDeserializer<Embedding> embeddingDeserializer;

    @BeforeAll
    static void startRegistryAndModels() {
        stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
        registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                Map.of("schema.registry.url", stack.registryUrl())));
        store = new ModelStore(dir.resolve("models"));
        text = store.initDefault(Modality.TEXT, 1);
        image = store.initDefault(Modality.IMAGE, 1);
        audio = store.initDefault(Modality.AUDIO, 1);
    }

    @AfterAll
    static void stop() {
        registry.close();
        stack.close();
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private void openModels() {
        Map<Modality, ModelManifest> versions = Map.of(Modality.TEXT, text, Modality.IMAGE, image, Modality.AUDIO, audio);
        models = ServingModels.open(EncoderLoader.from(store), versions::get, EncoderOptions.defaults());
        imageSerializer = new SpecificAvroSerializer<>(registry);
        audioSerializer = new SpecificAvroSerializer<>(registry);
        embeddingDeserializer = new SpecificAvroDeserializer<>(registry, Embedding.class);
    }

    /** The pipeline's own three-path topology, with {@code settings} on top of defaults. */
    private void startPipelineTopology(Map<String, String> settings) {
        openModels();
        start(EmbeddingPipeline.embeddingTopology(PipelineConfig.from(settings), registry, models, PipelineMetrics.NONE));
    }

    private void start(Topology topology) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "media-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DeadLetterProcessingExceptionHandler.streamsProperties(TOPICS.deadLetters()));
        driver = new TopologyTestDriver(topology, props);
    }

    private TestInputTopic<String, byte[]> input(String topic) {
        return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
    }

    private List<Embedding> embeddings(Modality modality) {
        return driver.createOutputTopic(TOPICS.embeddings(modality), new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList().stream()
                .map(r -> embeddingDeserializer.deserialize(TOPICS.embeddings(modality), r.value())).toList();
    }

    private List<TestRecord<byte[], byte[]>> deadLetters() {
        return driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private byte[] imageEvent(String id, byte[] content) {
        return imageSerializer.serialize(IMAGES, ImageEvent.newBuilder().setId(id)
                .setContent(content == null ? null : ByteBuffer.wrap(content)).build());
    }

    private byte[] imageUriEvent(String id, String uri) {
        return imageSerializer.serialize(IMAGES, ImageEvent.newBuilder().setId(id).setUri(uri).build());
    }

    private byte[] audioEvent(String id, byte[] content) {
        return audioSerializer.serialize(AUDIO, AudioEvent.newBuilder().setId(id)
                .setContent(content == null ? null : ByteBuffer.wrap(content)).build());
    }

    private static Map<String, String> batchOfOne(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(PipelineConfig.IMAGE_BATCH_MAX_SIZE, "1",
                PipelineConfig.AUDIO_BATCH_MAX_SIZE, "1"));
        settings.putAll(more);
        return settings;
    }

    @Test
    @DisplayName("dead-letters bad images with a reason, the stage and a message that names the limit")
    void deadLettersBadImages() {
        startPipelineTopology(batchOfOne(Map.of(PipelineConfig.IMAGE_MAX_BYTES, "4096")));
        byte[] corrupt = TestMedia.corruptPng();
        input(IMAGES).pipeInput("corrupt", imageEvent("corrupt", corrupt));
        input(IMAGES).pipeInput("huge", imageEvent("huge", TestMedia.hugePngHeader()));
        input(IMAGES).pipeInput("empty", imageEvent("empty", new byte[0]));
        input(IMAGES).pipeInput("nothing", imageEvent("nothing", null));
        input(IMAGES).pipeInput("big", imageEvent("big", new byte[5000]));
        input(IMAGES).pipeInput("text", imageEvent("text", "not an image".getBytes(StandardCharsets.UTF_8)));
        input(IMAGES).pipeInput("noid", imageEvent("", TestMedia.png(1)));
        input(IMAGES).pipeInput("ok", imageEvent("ok", TestMedia.png(2)));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).as("reasons in input order")
                .containsExactly("IMAGE_CORRUPT", "IMAGE_TOO_MANY_PIXELS", "MISSING_CONTENT", "MISSING_CONTENT",
                        "CONTENT_TOO_LARGE", "UNSUPPORTED_FORMAT", "MISSING_ID");
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.STAGE)).as("stages")
                .containsExactly("preprocess", "preprocess", "validate", "validate", "validate", "preprocess", "validate");
        assertThat(dead.get(0).value()).as("original value bytes kept").isEqualTo(imageEvent("corrupt", corrupt));
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).as("original key kept").isEqualTo("corrupt");
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(IMAGES);
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(dead.get(1), DeadLetterHeaders.ERROR_MESSAGE)).as("says the size and the limit")
                .contains("100000x100000").contains("limit is 40000000").contains("huge");
        assertThat(header(dead.get(2), DeadLetterHeaders.ERROR_MESSAGE)).as("empty content")
                .contains("empty content (0 bytes)");
        assertThat(header(dead.get(3), DeadLetterHeaders.ERROR_MESSAGE)).as("neither content nor uri")
                .contains("no content and no uri");
        assertThat(header(dead.get(4), DeadLetterHeaders.ERROR_MESSAGE)).as("says the size, the limit and the key")
                .contains("5000").contains("4096").contains(PipelineConfig.IMAGE_MAX_BYTES);
        assertThat(embeddings(Modality.IMAGE)).extracting(Embedding::getId).as("the good one still embeds")
                .containsExactly("ok");
    }

    @Test
    @DisplayName("dead-letters bad audio: too long, too short, corrupt, empty")
    void deadLettersBadAudio() {
        startPipelineTopology(batchOfOne(Map.of()));
        byte[] corrupt = TestMedia.halfSecondWav(440);
        ByteBuffer.wrap(corrupt).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(22, (short) 0); // zero channels
        input(AUDIO).pipeInput("long", audioEvent("long", TestMedia.wav(31, 8_000, 300)));
        input(AUDIO).pipeInput("short", audioEvent("short", TestMedia.wav(0.001, 16_000, 300)));
        input(AUDIO).pipeInput("corrupt", audioEvent("corrupt", corrupt));
        input(AUDIO).pipeInput("empty", audioEvent("empty", new byte[0]));
        input(AUDIO).pipeInput("ok", audioEvent("ok", TestMedia.halfSecondWav(330)));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).as("reasons in input order")
                .containsExactly("AUDIO_TOO_LONG", "AUDIO_TOO_SHORT", "AUDIO_CORRUPT", "MISSING_CONTENT");
        assertThat(header(dead.get(0), DeadLetterHeaders.STAGE)).isEqualTo("preprocess");
        assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)).as("says the length and the limit")
                .contains("31").contains("30");
        assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("InputRejectedException");
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(AUDIO);
        assertThat(embeddings(Modality.AUDIO)).extracting(Embedding::getId).containsExactly("ok");
    }

    @Test
    @DisplayName("refuses every URI by default, naming the setting that would allow it")
    void refusesUrisByDefault() throws Exception {
        Path file = Files.write(dir.resolve("default-refused.png"), TestMedia.png(3));
        startPipelineTopology(batchOfOne(Map.of()));
        input(IMAGES).pipeInput("f", imageUriEvent("f", file.toUri().toString()));
        input(IMAGES).pipeInput("h", imageUriEvent("h", "http://127.0.0.1:9/cat.png"));
        input(IMAGES).pipeInput("s", imageUriEvent("s", "ftp://example.org/cat.png"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsOnly("URI_NOT_ALLOWED").hasSize(3);
        assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)).contains(PipelineConfig.URI_ALLOWED_DIRS);
        assertThat(header(dead.get(1), DeadLetterHeaders.ERROR_MESSAGE)).contains(PipelineConfig.URI_ALLOWED_HOSTS);
        assertThat(header(dead.get(2), DeadLetterHeaders.ERROR_MESSAGE)).contains("ftp");
        assertThat(embeddings(Modality.IMAGE)).as("nothing fetched, nothing embedded").isEmpty();
    }

    @Test
    @DisplayName("fetches a file: URI under an allowed directory and refuses one that escapes it")
    void fetchesAllowedFilesOnly() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("allowed-images"));
        Path inside = Files.write(allowed.resolve("cat.png"), TestMedia.png(4));
        Path outside = Files.write(dir.resolve("secret.png"), TestMedia.png(5));
        Path link = Files.createSymbolicLink(allowed.resolve("link.png"), outside);
        startPipelineTopology(batchOfOne(Map.of(PipelineConfig.URI_ALLOWED_DIRS, allowed.toString())));

        input(IMAGES).pipeInput("in", imageUriEvent("in", inside.toUri().toString()));
        input(IMAGES).pipeInput("dotdot", imageUriEvent("dotdot", allowed.toUri() + "../secret.png"));
        input(IMAGES).pipeInput("link", imageUriEvent("link", link.toUri().toString()));
        input(IMAGES).pipeInput("missing", imageUriEvent("missing", allowed.resolve("none.png").toUri().toString()));

        assertThat(embeddings(Modality.IMAGE)).extracting(Embedding::getId).as("the file inside is fetched and embedded")
                .containsExactly("in");
        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).as("escapes refused, a missing file failed")
                .containsExactly("URI_NOT_ALLOWED", "URI_NOT_ALLOWED", "URI_FETCH_FAILED");
        assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)).contains("outside").contains(PipelineConfig.URI_ALLOWED_DIRS);
        assertThat(header(dead.get(2), DeadLetterHeaders.STAGE)).isEqualTo("fetch");
    }

    @Test
    @DisplayName("a bad image or clip in the middle of a batch is dead-lettered alone, at the cost of one extra encode")
    void badRecordInBatchGoesAlone() {
        openModels();
        AtomicInteger imageEncodes = new AtomicInteger();
        AtomicInteger audioEncodes = new AtomicInteger();
        BatchEncoder images = counting(new MediaBatchEncoder(models.holder(ServingSpec.IMAGE)), imageEncodes);
        BatchEncoder clips = counting(new MediaBatchEncoder(models.holder(ServingSpec.AUDIO)), audioEncodes);
        UriFetcher noUris = new UriFetcher(UriPolicy.NONE);
        Topology topology = new Topology();
        EmbeddingTopology.addPath(topology, TOPICS, new EmbeddingTopology.ModalityPath(Modality.IMAGE,
                new BatchPolicy(5, java.time.Duration.ofHours(1)), MediaEventDecoder.images(
                new SpecificAvroDeserializer<>(registry, ImageEvent.class), 1 << 20, PipelineConfig.IMAGE_MAX_BYTES, noUris),
                images), new SpecificAvroSerializer<>(registry), new SpecificAvroSerializer<>(registry));
        EmbeddingTopology.addPath(topology, TOPICS, new EmbeddingTopology.ModalityPath(Modality.AUDIO,
                new BatchPolicy(3, java.time.Duration.ofHours(1)), MediaEventDecoder.audio(
                new SpecificAvroDeserializer<>(registry, AudioEvent.class), 1 << 20, PipelineConfig.AUDIO_MAX_BYTES, noUris),
                clips), new SpecificAvroSerializer<>(registry), new SpecificAvroSerializer<>(registry));
        start(topology);

        input(IMAGES).pipeInput("g0", imageEvent("g0", TestMedia.png(6)));
        input(IMAGES).pipeInput("bad1", imageEvent("bad1", TestMedia.corruptPng()));
        input(IMAGES).pipeInput("g2", imageEvent("g2", TestMedia.png(7)));
        input(IMAGES).pipeInput("bad3", imageEvent("bad3", TestMedia.hugePngHeader()));
        input(IMAGES).pipeInput("g4", imageEvent("g4", TestMedia.png(8)));
        input(AUDIO).pipeInput("c0", audioEvent("c0", TestMedia.halfSecondWav(200)));
        input(AUDIO).pipeInput("long", audioEvent("long", TestMedia.wav(31, 8_000, 300)));
        input(AUDIO).pipeInput("c2", audioEvent("c2", TestMedia.halfSecondWav(600)));

        assertThat(embeddings(Modality.IMAGE)).extracting(Embedding::getId).as("the good neighbours embed, in order")
                .containsExactly("g0", "g2", "g4");
        assertThat(embeddings(Modality.AUDIO)).extracting(Embedding::getId).containsExactly("c0", "c2");
        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).as("only the bad ones")
                .containsExactly("bad1", "bad3", "long");
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("IMAGE_CORRUPT", "IMAGE_TOO_MANY_PIXELS", "AUDIO_TOO_LONG");
        assertThat(imageEncodes.get()).as("one encode per batch plus one per bad image").isEqualTo(3);
        assertThat(audioEncodes.get()).as("one encode per batch plus one per bad clip").isEqualTo(2);
    }

    @Test
    @DisplayName("after another batch failure, the one-by-one retry still dead-letters a refused image with its own reason")
    void oneByOneFallbackKeepsPreprocessReasons() {
        openModels();
        BatchEncoder real = new MediaBatchEncoder(models.holder(ServingSpec.IMAGE));
        BatchEncoder failsOnBatches = payloads -> {
            if (payloads.size() > 1) {
                throw new IllegalStateException("simulated failure of a whole batch");
            }
            return real.encode(payloads);
        };
        start(EmbeddingTopology.addPath(new Topology(), TOPICS, new EmbeddingTopology.ModalityPath(Modality.IMAGE,
                new BatchPolicy(3, java.time.Duration.ofHours(1)), MediaEventDecoder.images(
                new SpecificAvroDeserializer<>(registry, ImageEvent.class), 1 << 20, PipelineConfig.IMAGE_MAX_BYTES,
                new UriFetcher(UriPolicy.NONE)), failsOnBatches), new SpecificAvroSerializer<>(registry),
                new SpecificAvroSerializer<>(registry)));

        input(IMAGES).pipeInput("g0", imageEvent("g0", TestMedia.png(9)));
        input(IMAGES).pipeInput("bad", imageEvent("bad", TestMedia.corruptPng()));
        input(IMAGES).pipeInput("g2", imageEvent("g2", TestMedia.png(10)));

        assertThat(embeddings(Modality.IMAGE)).extracting(Embedding::getId).as("good ones embedded one by one")
                .containsExactly("g0", "g2");
        assertThat(deadLetters()).extracting(r -> header(r, DeadLetterHeaders.REASON)).as("the refused one, with its reason")
                .containsExactly("IMAGE_CORRUPT");
    }

    private static BatchEncoder counting(BatchEncoder encoder, AtomicInteger calls) {
        return payloads -> {
            calls.incrementAndGet();
            return encoder.encode(payloads);
        };
    }

    private static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
