package io.d2vstreams.topology;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.BackfillKind;
import io.d2vstreams.avro.Embedding;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelHolder;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.text.TextSpec;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.schemas.WireFormat;
import io.d2vstreams.topology.internal.BatchEncoder;
import io.d2vstreams.topology.internal.EventDecoder;
import io.d2vstreams.topology.internal.TextBatchEncoder;
import io.d2vstreams.topology.internal.TextEventDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The text embedding topology")
class TextEmbeddingTopologyTest {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String EVENTS = TOPICS.events(Modality.TEXT);

    @TempDir
    static Path dir;
    private static DevStack stack;
    private static SchemaRegistryClient registry;
    private static ModelStore store;
    private static ModelManifest v1;
    private static ModelManifest v2;

    private ModelHolder<String> holder;
    private TopologyTestDriver driver;
    private SpecificAvroSerializer<TextEvent> eventSerializer;
    private SpecificAvroDeserializer<Embedding> embeddingDeserializer;

    @BeforeAll
    static void startRegistryAndModels() {
        stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
        registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                Map.of("schema.registry.url", stack.registryUrl())));
        store = new ModelStore(dir.resolve("models"));
        v1 = store.initDefault(Modality.TEXT, 1);
        v2 = store.initDefault(Modality.TEXT, 2);
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
        if (holder != null) {
            holder.close();
        }
    }

    private void startDriver(BatchPolicy policy, int maxChars, BatchEncoder encoderOverride) {
        EventDecoder decoder = new TextEventDecoder(new SpecificAvroDeserializer<>(registry, TextEvent.class), maxChars);
        startDriver(policy, decoder, encoderOverride, new Properties());
    }

    private void startDriver(BatchPolicy policy, EventDecoder decoder, BatchEncoder encoderOverride, Properties extra) {
        holder = new ModelHolder<>(store.load(TextSpec.INSTANCE, v1, EncoderOptions.defaults()));
        BatchEncoder encoder = encoderOverride != null ? encoderOverride : new TextBatchEncoder(holder);
        Topology topology = EmbeddingTopology.addPath(new Topology(), TOPICS, new EmbeddingTopology.ModalityPath(
                        Modality.TEXT, policy, decoder, encoder),
                new SpecificAvroSerializer<>(registry), new SpecificAvroSerializer<>(registry));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "text-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DeadLetterProcessingExceptionHandler.streamsProperties(TOPICS.deadLetters()));
        props.putAll(extra);
        driver = new TopologyTestDriver(topology, props);
        eventSerializer = new SpecificAvroSerializer<>(registry);
        embeddingDeserializer = new SpecificAvroDeserializer<>(registry, Embedding.class);
    }

    private TestInputTopic<String, byte[]> input() {
        return driver.createInputTopic(EVENTS, new StringSerializer(), new ByteArraySerializer());
    }

    private TestOutputTopic<String, byte[]> embeddings() {
        return driver.createOutputTopic(TOPICS.embeddings(Modality.TEXT), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private TestOutputTopic<byte[], byte[]> deadLetters() {
        return driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private byte[] event(String id, String text) {
        return eventSerializer.serialize(EVENTS, TextEvent.newBuilder().setId(id).setText(text).build());
    }

    private Embedding decode(TestRecord<String, byte[]> record) {
        return embeddingDeserializer.deserialize(TOPICS.embeddings(Modality.TEXT), record.value());
    }

    @Test
    @DisplayName("an exception nothing anticipated dead-letters its record through Kafka Streams' handler; the rest embed")
    void unanticipatedExceptionIsDeadLettered() {
        TextEventDecoder real = new TextEventDecoder(new SpecificAvroDeserializer<>(registry, TextEvent.class), 1000);
        EventDecoder buggy = (topic, value) -> {
            if (new String(value, java.nio.charset.StandardCharsets.UTF_8).contains("boom")) {
                throw new IllegalStateException("a decoder bug met input nobody foresaw");
            }
            return real.decode(topic, value);
        };
        List<String> counted = new java.util.ArrayList<>();
        Properties props = new Properties();
        props.put(DeadLetterProcessingExceptionHandler.DEAD_LETTER_COUNT_CONFIG,
                (DeadLetterProcessingExceptionHandler.DeadLetterCount) (topic, reason) -> counted.add(topic + "/" + reason));
        startDriver(new BatchPolicy(2, Duration.ofHours(1)), buggy, null, props);

        input().pipeInput("a", event("a", "a fine sentence"));
        input().pipeInput("boom", event("boom", "this one says boom"));
        input().pipeInput("b", event("b", "another fine sentence"));
        assertThat(counted).as("the handler's dead letter is counted, once, under its source topic")
                .containsExactly(EVENTS + "/PROCESSING_FAILED");

        List<TestRecord<byte[], byte[]>> dead = deadLetters().readRecordsToList();
        assertThat(dead).as("the record that threw, and only it").hasSize(1);
        TestRecord<byte[], byte[]> letter = dead.get(0);
        assertThat(new String(letter.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("boom");
        assertThat(letter.value()).as("the original value bytes").isEqualTo(event("boom", "this one says boom"));
        assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("PROCESSING_FAILED");
        assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("process");
        assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("IllegalStateException");
        assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(embeddings().readRecordsToList()).as("the pipeline went on: its neighbours embedded")
                .extracting(TestRecord::key).containsExactly("a", "b");
    }

    @Test
    @DisplayName("a record refused as it arrives is dead-lettered by Kafka Streams' handler, to errors.dead.letter.queue.topic.name")
    void refusalsOnArrivalGoThroughTheStreamsHandler() {
        Properties renamed = new Properties();
        renamed.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "handler.dlq");
        startDriver(new BatchPolicy(1, Duration.ofHours(1)),
                new TextEventDecoder(new SpecificAvroDeserializer<>(registry, TextEvent.class), 1000), null, renamed);

        input().pipeInput("n", "not avro at all".getBytes(StandardCharsets.UTF_8));
        input().pipeInput("a", event("a", "a fine sentence"));

        List<TestRecord<byte[], byte[]>> handled = driver.createOutputTopic("handler.dlq", new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList();
        assertThat(handled).extracting(r -> header(r, DeadLetterHeaders.REASON)).as("written by the handler")
                .containsExactly("NOT_WIRE_FORMAT");
        assertThat(handled.get(0).value()).isEqualTo("not avro at all".getBytes(StandardCharsets.UTF_8));
        assertThat(deadLetters().isEmpty()).as("not by the processor's own dead-letter sink").isTrue();
        assertThat(embeddings().readRecordsToList()).extracting(TestRecord::key).containsExactly("a");
    }

    @Test
    @DisplayName("a batch that fails as a whole fails the task, even under the handler: no record is dead-lettered for it")
    void wholeBatchFailureIsNotDeadLettered() {
        BatchEncoder broken = payloads -> {
            throw new IllegalStateException("the encoder is broken, not the data");
        };
        startDriver(new BatchPolicy(2, Duration.ofHours(1)),
                new TextEventDecoder(new SpecificAvroDeserializer<>(registry, TextEvent.class), 1000), broken, new Properties());

        input().pipeInput("a", event("a", "a fine sentence"));
        assertThatThrownBy(() -> input().pipeInput("b", event("b", "fills the batch")))
                .as("the task fails").hasRootCauseMessage("the encoder is broken, not the data");
        assertThat(deadLetters().isEmpty()).as("neither buffered record is dead-lettered").isTrue();
    }

    @Test
    @DisplayName("a batch that fails in the wait-time punctuation fails the task: a punctuation has no record to dead-letter")
    void punctuationFailureIsNotDeadLettered() {
        BatchEncoder broken = payloads -> {
            throw new IllegalStateException("the encoder is broken, not the data");
        };
        startDriver(new BatchPolicy(100, Duration.ofMillis(200)),
                new TextEventDecoder(new SpecificAvroDeserializer<>(registry, TextEvent.class), 1000), broken, new Properties());

        input().pipeInput("a", event("a", "a fine sentence"));
        assertThatThrownBy(() -> driver.advanceWallClockTime(Duration.ofMillis(300)))
                .as("the task fails").hasRootCauseMessage("the encoder is broken, not the data");
        assertThat(deadLetters().isEmpty()).as("the buffered record is not dead-lettered").isTrue();
    }

    @Test
    @DisplayName("dead-letters every kind of bad input with its original bytes and reason headers")
    void deadLettersBadInput() {
        startDriver(new BatchPolicy(1, Duration.ofHours(1)), 20, null);
        byte[] notAvro = "hello, plain text".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = ByteBuffer.allocate(8).put(WireFormat.MAGIC_BYTE).putInt(987_654).put(new byte[]{2, 'h', 'i'}).array();
        byte[] empty = event("e", "   ");
        byte[] tooLong = event("t", "x".repeat(21));
        byte[] truncated = java.util.Arrays.copyOf(event("tr", "a fine sentence"), 7);

        input().pipeInput("n", notAvro);
        input().pipeInput("u", unknownId);
        input().pipeInput("e", empty);
        input().pipeInput("t", tooLong);
        input().pipeInput("tr", truncated);
        input().pipeInput("ok", event("ok", "a good one"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters().readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).as("reasons in input order")
                .containsExactly("NOT_WIRE_FORMAT", "UNKNOWN_SCHEMA_ID", "EMPTY_TEXT", "TEXT_TOO_LONG", "SCHEMA_MISMATCH");
        assertThat(dead.get(0).value()).as("original value bytes kept").isEqualTo(notAvro);
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).as("original key kept").isEqualTo("n");
        assertThat(header(dead.get(3), DeadLetterHeaders.ERROR_MESSAGE)).as("says the size and the limit")
                .contains("21").contains("20");
        assertThat(header(dead.get(1), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(header(dead.get(1), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(EVENTS);
        assertThat(header(dead.get(1), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead.get(2), DeadLetterHeaders.STAGE)).isEqualTo("validate");
        assertThat(header(dead.get(0), DeadLetterHeaders.STAGE)).isEqualTo("decode");
        assertThat(embeddings().readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("ok");
    }

    @Test
    @DisplayName("text of only no-break spaces and invisible characters is EMPTY_TEXT; the length limit counts characters, not UTF-16 units")
    void emptyLooksAndCharacterCounts() {
        startDriver(new BatchPolicy(1, Duration.ofHours(1)), 20, null);
        input().pipeInput("nbsp", event("nbsp", "\u00A0\u2007\u202F\u00A0"));
        input().pipeInput("zw", event("zw", "\u200B\u200C\u200D\u2060\uFEFF \t"));
        input().pipeInput("emoji20", event("emoji20", "\uD83D\uDE00".repeat(20)));
        input().pipeInput("emoji21", event("emoji21", "\uD83D\uDE00".repeat(21)));
        input().pipeInput("word", event("word", "\u00A0word\u200B"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters().readRecordsToList();
        assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + ":" + header(r, DeadLetterHeaders.REASON))
                .containsExactly("nbsp:EMPTY_TEXT", "zw:EMPTY_TEXT", "emoji21:TEXT_TOO_LONG");
        assertThat(header(dead.get(2), DeadLetterHeaders.ERROR_MESSAGE)).as("counts 21 characters, not 42 units")
                .contains("is 21 characters");
        assertThat(embeddings().readKeyValuesToList()).extracting(kv -> kv.key).as("20 emoji are 20 characters")
                .containsExactly("emoji20", "word");
    }

    @Test
    @DisplayName("retries a rejected batch record by record, so one bad record does not take its neighbours with it")
    void isolatesRecordTheEncoderRejects() {
        BatchEncoder[] real = new BatchEncoder[1];
        startDriver(new BatchPolicy(3, Duration.ofHours(1)), 1000, payloads -> {
            if (payloads.stream().anyMatch(p -> new String(p, StandardCharsets.UTF_8).contains("POISON"))) {
                throw new IllegalArgumentException("encoder cannot take POISON");
            }
            return real[0].encode(payloads);
        });
        real[0] = new TextBatchEncoder(holder);

        input().pipeInput("a", event("a", "fine"));
        input().pipeInput("p", event("p", "POISON pill"));
        input().pipeInput("c", event("c", "also fine"));

        assertThat(embeddings().readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("a", "c");
        List<TestRecord<byte[], byte[]>> dead = deadLetters().readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("ENCODER_REJECTED");
        assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)).contains("POISON");
    }

    @Test
    @DisplayName("a model swapped between two batches tags each batch with the version that made it")
    void swapsModelBetweenBatches() {
        startDriver(new BatchPolicy(2, Duration.ofHours(1)), 1000, null);
        input().pipeInput("a", event("a", "one"));
        input().pipeInput("b", event("b", "two"));
        holder.swap(store.load(TextSpec.INSTANCE, v2, EncoderOptions.defaults()));
        input().pipeInput("c", event("c", "three"));
        input().pipeInput("d", event("d", "four"));

        List<Integer> versions = embeddings().readRecordsToList().stream().map(r -> decode(r).getModelVersion()).toList();
        assertThat(versions).as("first batch on v1, second on v2").containsExactly(v1.version(), v1.version(), v2.version(), v2.version());
    }

    @Test
    @DisplayName("writes a swap point where each version's first batch starts, and one after the last seen offset when a swap finds the task idle")
    void writesSwapPoints() {
        startDriver(new BatchPolicy(2, Duration.ofMinutes(1)), 1000, null);
        input().pipeInput("a", event("a", "one"));
        input().pipeInput("b", event("b", "two"));
        holder.swap(store.load(TextSpec.INSTANCE, v2, EncoderOptions.defaults()));
        input().pipeInput("c", event("c", "three"));
        input().pipeInput("d", event("d", "four"));
        input().pipeInput("e", event("e", ""));
        assertThat(deadLetters().readRecordsToList()).as("the empty text at offset 4 is dead-lettered").hasSize(1);
        holder.swap(store.load(TextSpec.INSTANCE, v1, EncoderOptions.defaults()));
        driver.advanceWallClockTime(Duration.ofMinutes(1));

        SpecificAvroDeserializer<BackfillEvent> events = new SpecificAvroDeserializer<>(registry, BackfillEvent.class);
        List<BackfillEvent> swaps = driver.createOutputTopic(TOPICS.backfill(), new StringDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList().stream()
                .map(r -> events.deserialize(TOPICS.backfill(), r.value())).toList();
        assertThat(swaps).allSatisfy(e -> assertThat(e.getKind()).isEqualTo(BackfillKind.SWAP_POINT));
        assertThat(swaps.stream().map(e -> e.getVersion() + "@" + e.getFirstOffset()).toList())
                .as("v1 from offset 0, v2 from its first batch at 2, v1 again (idle) after the dead letter at 4")
                .containsExactly(v1.version() + "@0", v2.version() + "@2", v1.version() + "@5");
        assertThat(swaps).allSatisfy(e -> assertThat(e.getPartition()).isZero());
    }

    private static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

}
