package io.d2vstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2vstreams.avro.Embedding;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.WireModality;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How every modality's path through the pipeline's own embedding topology batches: by size, by
 * wait, in input order, each embedding tagged with the version that made it, a refused record
 * taking none of its neighbours with it. What only one modality has (its dead-letter reasons, URI
 * fetching, text's retry of a rejected batch) stays in that modality's test class.
 */
@DisplayName("Every modality's embedding path")
class EmbeddingPathContractTest {

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
    void closePipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private void start(Modality modality, int batchSize, Duration wait) {
        pipeline = new PipelineTopologyFixture(backing, Map.of(PipelineConfig.batchMaxSizeKey(modality),
                String.valueOf(batchSize), PipelineConfig.batchMaxWaitKey(modality), String.valueOf(wait.toMillis())));
    }

    /** The {@code i}-th valid event of the modality, each with other content. */
    private static byte[] event(Modality modality, int i) {
        byte[] content = switch (modality) {
            case TEXT -> ("sentence number " + i + " about something else").getBytes(StandardCharsets.UTF_8);
            case IMAGE -> TestMedia.png(i);
            case AUDIO -> TestMedia.halfSecondWav(220 + 110 * i);
        };
        return backing.event(modality, "k" + i, content);
    }

    private void send(Modality modality, int i) {
        pipeline.input(modality).pipeInput(("k" + i).getBytes(StandardCharsets.UTF_8), event(modality, i));
    }

    private static Embedding decode(Modality modality, TestRecord<String, byte[]> record) {
        return new SpecificAvroDeserializer<>(backing.registry(), Embedding.class)
                .deserialize(PipelineTopologyFixture.TOPICS.embeddings(modality), record.value());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("holds records until the batch is full, then emits one unit vector per record in input order, tagged with the serving version")
    void batchesBySize(Modality modality) {
        ModelManifest serving = backing.store().latest(modality).orElseThrow();
        start(modality, 3, Duration.ofMinutes(1));
        send(modality, 0);
        send(modality, 1);
        assertThat(pipeline.embeddings(modality)).as("a batch of 2 of 3 must wait").isEmpty();

        send(modality, 2);

        List<TestRecord<String, byte[]>> out = pipeline.embeddings(modality);
        assertThat(out).extracting(TestRecord::key).as("one embedding per input, in input order")
                .containsExactly("k0", "k1", "k2");
        List<Embedding> embeddings = out.stream().map(r -> decode(modality, r)).toList();
        assertThat(embeddings).extracting(Embedding::getId).containsExactly("k0", "k1", "k2");
        assertThat(embeddings).extracting(Embedding::getModelVersion).as("the version that made them")
                .containsOnly(serving.version());
        assertThat(embeddings).extracting(Embedding::getModality).containsOnly(WireModality.of(modality));
        assertThat(embeddings).extracting(Embedding::getSourceTopic).containsOnly(PipelineTopologyFixture.TOPICS.events(modality));
        assertThat(embeddings).extracting(Embedding::getSourceOffset).as("their source offsets").containsExactly(0L, 1L, 2L);
        for (Embedding e : embeddings) {
            assertThat(e.getVector()).as("vector length is the model's dim").hasSize(serving.dim());
            double norm = 0;
            for (float x : e.getVector()) {
                norm += x * x;
            }
            assertThat(Math.sqrt(norm)).as("vectors are L2-normalised").isCloseTo(1.0, Offset.offset(1e-4));
        }
        assertThat(embeddings.get(0).getVector()).as("other inputs, other vectors").isNotEqualTo(embeddings.get(1).getVector());
        assertThat(pipeline.deadLetters()).as("nothing dead-lettered").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("emits a partly filled batch once its oldest record has waited the maximum wait")
    void batchesByWait(Modality modality) {
        start(modality, 100, Duration.ofMillis(200));
        send(modality, 0);
        send(modality, 1);
        pipeline.advanceWallClockTime(Duration.ofMillis(50));
        assertThat(pipeline.embeddings(modality)).as("before the wait is over").isEmpty();

        pipeline.advanceWallClockTime(Duration.ofMillis(250));

        assertThat(pipeline.embeddings(modality)).extracting(TestRecord::key).containsExactly("k0", "k1");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Modality.class)
    @DisplayName("a record that is no event is dead-lettered alone; its neighbours still fill one batch, in order")
    void refusedRecordTakesNoNeighbour(Modality modality) {
        start(modality, 3, Duration.ofMinutes(1));
        send(modality, 0);
        pipeline.input(modality).pipeInput("junk".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
        send(modality, 1);
        assertThat(pipeline.embeddings(modality)).as("the refused record does not count towards the batch").isEmpty();
        send(modality, 2);

        assertThat(pipeline.embeddings(modality)).extracting(TestRecord::key).containsExactly("k0", "k1", "k2");
        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters();
        assertThat(dead).as("one dead letter").hasSize(1);
        assertThat(dead.get(0).value()).as("with the original bytes").containsExactly(1, 2, 3);
        Header reason = dead.get(0).headers().lastHeader(DeadLetterHeaders.REASON);
        assertThat(new String(reason.value(), StandardCharsets.UTF_8)).as("its reason")
                .isEqualTo(DeadLetterReason.NOT_WIRE_FORMAT.name());
    }
}
