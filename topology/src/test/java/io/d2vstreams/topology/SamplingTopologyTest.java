package io.d2vstreams.topology;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.internal.TextEventDecoder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The sampling topology")
class SamplingTopologyTest {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String EVENTS = TOPICS.events(Modality.TEXT);

    @TempDir
    static Path dir;
    private static DevStack stack;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void start() {
        stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
        registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(Map.of("schema.registry.url", stack.registryUrl())));
    }

    @AfterAll
    static void stop() {
        registry.close();
        stack.close();
    }

    private List<TrainingSample> run(SamplingPolicy policy, int events, Duration pacing) {
        Topology topology = SamplingTopology.addPath(new Topology(), TOPICS, Modality.TEXT,
                new TextEventDecoder(new SpecificAvroDeserializer<>(registry, TextEvent.class), 1000), policy,
                new SpecificAvroSerializer<>(registry));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sampling-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(0));
             SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry);
             SpecificAvroDeserializer<TrainingSample> deserializer = new SpecificAvroDeserializer<>(registry, TrainingSample.class)) {
            TestInputTopic<String, byte[]> input = driver.createInputTopic(EVENTS, new StringSerializer(), new ByteArraySerializer());
            input.pipeInput("bad", "not avro".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < events; i++) {
                input.pipeInput("s" + i, serializer.serialize(EVENTS,
                        TextEvent.newBuilder().setId("s" + i).setText("sample text " + i).build()));
                driver.advanceWallClockTime(pacing);
            }
            return driver.createOutputTopic(TOPICS.trainingSamples(), new StringDeserializer(), new ByteArrayDeserializer())
                    .readValuesToList().stream().map(v -> deserializer.deserialize(TOPICS.trainingSamples(), v)).toList();
        }
    }

    @Test
    @DisplayName("samples a deterministic share of events by id, skipping bad records, with their source position")
    void samplesByIdHash() {
        List<TrainingSample> first = run(new SamplingPolicy(0.25, 1_000_000), 800, Duration.ZERO);
        List<TrainingSample> second = run(new SamplingPolicy(0.25, 1_000_000), 800, Duration.ZERO);

        assertThat(first.size()).as("about a quarter of 800").isBetween(150, 250);
        assertThat(first).extracting(TrainingSample::getId).as("the same ids every run")
                .containsExactlyElementsOf(second.stream().map(TrainingSample::getId).toList());
        TrainingSample sample = first.get(0);
        int index = Integer.parseInt(sample.getId().substring(1));
        assertThat(sample.getText()).isEqualTo("sample text " + index);
        assertThat(sample.getSourceTopic()).isEqualTo(EVENTS);
        assertThat(sample.getSourceOffset()).as("offset 0 is the bad record").isEqualTo(index + 1L);
        assertThat(first).extracting(TrainingSample::getId).doesNotContain("bad");
    }

    @Test
    @DisplayName("the pipeline's sampling topology samples images and audio with their bytes and mime, but not by URI")
    void samplesImagesAndAudio() {
        PipelineConfig config = PipelineConfig.from(Map.of(PipelineConfig.SAMPLING_IMAGE_RATE, "1.0",
                PipelineConfig.SAMPLING_AUDIO_RATE, "1.0", PipelineConfig.SAMPLING_TEXT_RATE, "0.0"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sampling-media-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        String images = TOPICS.events(Modality.IMAGE);
        String audio = TOPICS.events(Modality.AUDIO);
        byte[] png = TestMedia.png(1);
        byte[] wav = TestMedia.halfSecondWav(440);
        try (TopologyTestDriver driver = new TopologyTestDriver(EmbeddingPipeline.samplingTopology(config, registry), props);
             SpecificAvroSerializer<ImageEvent> imageSerializer = new SpecificAvroSerializer<>(registry);
             SpecificAvroSerializer<AudioEvent> audioSerializer = new SpecificAvroSerializer<>(registry);
             SpecificAvroDeserializer<TrainingSample> deserializer = new SpecificAvroDeserializer<>(registry, TrainingSample.class)) {
            driver.createInputTopic(images, new StringSerializer(), new ByteArraySerializer()).pipeInput("i", imageSerializer
                    .serialize(images, ImageEvent.newBuilder().setId("i").setContent(ByteBuffer.wrap(png)).setMime("image/png").build()));
            driver.createInputTopic(images, new StringSerializer(), new ByteArraySerializer()).pipeInput("u", imageSerializer
                    .serialize(images, ImageEvent.newBuilder().setId("u").setUri("file:///srv/cat.png").build()));
            driver.createInputTopic(audio, new StringSerializer(), new ByteArraySerializer()).pipeInput("a", audioSerializer
                    .serialize(audio, AudioEvent.newBuilder().setId("a").setContent(ByteBuffer.wrap(wav)).build()));

            List<TrainingSample> samples = driver.createOutputTopic(TOPICS.trainingSamples(), new StringDeserializer(),
                    new ByteArrayDeserializer()).readValuesToList().stream()
                    .map(v -> deserializer.deserialize(TOPICS.trainingSamples(), v)).toList();
            assertThat(samples).extracting(TrainingSample::getId).as("inline image and clip; the URI event is not fetched again")
                    .containsExactly("i", "a");
            assertThat(samples.get(0).getModality()).isEqualTo(io.d2vstreams.avro.Modality.IMAGE);
            assertThat(bytes(samples.get(0).getContent())).as("the image bytes").isEqualTo(png);
            assertThat(samples.get(0).getMime()).as("the declared mime").isEqualTo("image/png");
            assertThat(samples.get(1).getModality()).isEqualTo(io.d2vstreams.avro.Modality.AUDIO);
            assertThat(bytes(samples.get(1).getContent())).as("the clip bytes").isEqualTo(wav);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    @DisplayName("never writes more than the rate limit allows")
    void rateLimited() {
        // 1000 events over 1 s of wall clock, all sampled, at most 20 per second: one burst of 20 plus refills.
        List<TrainingSample> limited = run(new SamplingPolicy(1.0, 20), 1000, Duration.ofMillis(1));
        assertThat(limited.size()).as("20 burst + about 20 refilled over the second").isBetween(35, 45);
    }
}
