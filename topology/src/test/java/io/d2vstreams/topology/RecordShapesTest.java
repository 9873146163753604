package io.d2vstreams.topology;

import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shape of record a Kafka client can write to an input topic (a tombstone, a null key, an
 * empty value, an oversized id, headers of any size) ends as exactly one embedding or one dead
 * letter, and the records after it are still served. One tombstone used to fail the task for
 * good: the same record failed again after every restart.
 */
@DisplayName("Any record a Kafka client can write")
class RecordShapesTest {
    private static final Topics TOPICS = PipelineTopologyFixture.TOPICS;

    @TempDir
    static Path dir;
    private static PipelineTopologyFixture.Backing backing;

    private PipelineTopologyFixture pipeline;

    @BeforeAll
    static void startRegistryAndModels() {
        backing = PipelineTopologyFixture.Backing.start(dir);
    }

    @AfterAll
    static void stop() {
        backing.close();
    }

    @AfterEach
    void closeDriver() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** The pipeline's own three-path topology, a batch of one per modality so each record is decided at once. */
    private void start() {
        pipeline = new PipelineTopologyFixture(backing, Map.of(PipelineConfig.TEXT_BATCH_MAX_SIZE, "1",
                PipelineConfig.IMAGE_BATCH_MAX_SIZE, "1", PipelineConfig.AUDIO_BATCH_MAX_SIZE, "1"));
    }

    private TestInputTopic<byte[], byte[]> input(Modality modality) {
        return pipeline.input(modality);
    }

    private List<String> embeddedKeys(Modality modality) {
        return pipeline.embeddings(modality).stream().map(TestRecord::key).toList();
    }

    private List<TestRecord<byte[], byte[]>> deadLetters() {
        return pipeline.deadLetters();
    }

    /** A valid event of the modality, in the Confluent wire format. */
    private static byte[] event(Modality modality, String id) {
        byte[] content = switch (modality) {
            case TEXT -> utf8("a sentence for " + id);
            case IMAGE -> TestMedia.png(id.length());
            case AUDIO -> TestMedia.halfSecondWav(440);
        };
        return backing.event(modality, id, content);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("a tombstone is dead-lettered as TOMBSTONE, with or without a key, and the records after it embed")
    void tombstones(Modality modality) {
        start();
        input(modality).pipeInput(utf8("gone"), (byte[]) null);
        input(modality).pipeInput((byte[]) null, (byte[]) null);
        input(modality).pipeInput(utf8("after"), event(modality, "after"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).as("one dead letter per tombstone")
                .containsExactly("TOMBSTONE", "TOMBSTONE");
        assertThat(dead.get(0).key()).as("the original key kept").isEqualTo(utf8("gone"));
        assertThat(dead.get(0).value()).as("the original (null) value kept").isNull();
        assertThat(dead.get(1).key()).isNull();
        assertThat(header(dead.get(0), DeadLetterHeaders.STAGE)).isEqualTo("decode");
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(dead.get(1), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)).as("says what was wrong")
                .contains("tombstone");
        assertThat(embeddedKeys(modality)).as("the pipeline goes on after them").containsExactly("after");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("an empty value is NOT_WIRE_FORMAT; a null key with a good value embeds under the event id")
    void emptyValuesAndNullKeys(Modality modality) {
        start();
        input(modality).pipeInput(utf8("empty"), new byte[0]);
        input(modality).pipeInput((byte[]) null, event(modality, "keyless"));

        assertThat(deadLetters()).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("NOT_WIRE_FORMAT");
        assertThat(embeddedKeys(modality)).containsExactly("keyless");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("an id too long to key an embedding is dead-lettered as ID_TOO_LONG, with a message of bounded size")
    void oversizedIds(Modality modality) {
        start();
        String hugeId = "i".repeat(200_000);
        input(modality).pipeInput(utf8("huge"), event(modality, hugeId));
        input(modality).pipeInput(utf8("next"), event(modality, "next"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("ID_TOO_LONG");
        String message = header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE);
        assertThat(message).as("names the length and the limit").contains("200000").contains("1024");
        assertThat(message.length()).as("the message does not carry the id itself").isLessThan(2_000);
        assertThat(embeddedKeys(modality)).containsExactly("next");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("headers of any number and size travel untouched into the dead letter, and do not stop a good record")
    void headersOfAnySize(Modality modality) {
        start();
        Headers many = new RecordHeaders();
        for (int i = 0; i < 2_000; i++) {
            many.add("h" + i, new byte[100]);
        }
        many.add("", null);
        many.add("big", new byte[512 * 1024]);
        input(modality).pipeInput(new TestRecord<>(utf8("bad"), utf8("not avro"), many));
        input(modality).pipeInput(new TestRecord<>(utf8("good"), event(modality, "good"), many));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("NOT_WIRE_FORMAT");
        Header[] kept = Arrays.stream(dead.get(0).headers().toArray())
                .filter(h -> !h.key().startsWith("d2v.dlq.")).toArray(Header[]::new);
        assertThat(kept).as("the producer's headers, all of them").hasSize(2_002);
        assertThat(dead.get(0).headers().lastHeader("big").value()).hasSize(512 * 1024);
        assertThat(embeddedKeys(modality)).containsExactly("good");
    }

    private static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("a header key longer than 64 KiB does not stop a good record from being buffered and embedded")
    void longHeaderKeys(Modality modality) {
        start();
        Headers headers = new RecordHeaders().add("k".repeat(70_000), utf8("v"));
        input(modality).pipeInput(new TestRecord<>(utf8("long-key"), event(modality, "long-key"), headers));

        assertThat(deadLetters()).isEmpty();
        assertThat(embeddedKeys(modality)).containsExactly("long-key");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("a record too large for the batch buffer is RECORD_TOO_LARGE; a letter too large for d2v.dlq drops its value and headers")
    void recordsTooLargeToBuffer(Modality modality) {
        start();
        int limit = RecordLimits.of(PipelineConfig.defaults()).bufferedBytes(modality);
        Headers huge = new RecordHeaders().add("padding", new byte[limit]);
        input(modality).pipeInput(new TestRecord<>(utf8("big"), event(modality, "big"), huge));
        input(modality).pipeInput(utf8("after"), event(modality, "after"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("RECORD_TOO_LARGE");
        assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)).as("names the size and the limit")
                .contains("bytes once buffered").contains(Integer.toString(limit));
        TestRecord<byte[], byte[]> letter = dead.get(0);
        assertThat(letter.key()).as("the key is kept").isEqualTo(utf8("big"));
        assertThat(letter.value()).as("the value would not fit d2v.dlq (this test's handler allows 1 MiB)").isNull();
        assertThat(letter.headers().lastHeader("padding")).as("nor the producer's headers").isNull();
        assertThat(header(letter, DeadLetterHeaders.DROPPED)).as("says what was left out and why")
                .contains("original value").contains(Integer.toString(RecordLimits.BROKER_DEFAULT_MAX_MESSAGE_BYTES));
        assertThat(embeddedKeys(modality)).containsExactly("after");
    }
}
