package io.d2vstreams.topology;

import io.d2vstreams.avro.AudioEvent;
import io.d2vstreams.avro.ImageEvent;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.EncoderOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The pipeline's own three-path embedding topology in a {@link TopologyTestDriver}, with Kafka
 * Streams' dead-letter handler as the pipeline configures it, for tests that send records of
 * any shape to the input topics and read what comes out. The registry and the seeded models it
 * runs on ({@link Backing}) are shared by the tests of a class.
 */
final class PipelineTopologyFixture implements AutoCloseable {
    static final Topics TOPICS = Topics.withDefaultPrefix();

    /** A real embedded registry (with its broker) and a model store seeded for every modality. */
    record Backing(DevStack stack, SchemaRegistryClient registry, ModelStore store) implements AutoCloseable {
        static Backing start(Path dir) {
            DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
            SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                    Map.of("schema.registry.url", stack.registryUrl())));
            ModelStore store = new ModelStore(dir.resolve("models"));
            for (Modality modality : Modality.values()) {
                store.initDefault(modality, 1);
            }
            return new Backing(stack, registry, store);
        }

        /**
         * An event of {@code modality} in the Confluent wire format: {@code content} is the text in UTF-8,
         * or the image or audio file sent inline.
         */
        byte[] event(Modality modality, String id, byte[] content) {
            String topic = TOPICS.events(modality);
            return switch (modality) {
                case TEXT -> new SpecificAvroSerializer<TextEvent>(registry).serialize(topic,
                        TextEvent.newBuilder().setId(id).setText(new String(content, StandardCharsets.UTF_8)).build());
                case IMAGE -> new SpecificAvroSerializer<ImageEvent>(registry).serialize(topic,
                        ImageEvent.newBuilder().setId(id).setContent(ByteBuffer.wrap(content)).build());
                case AUDIO -> new SpecificAvroSerializer<AudioEvent>(registry).serialize(topic,
                        AudioEvent.newBuilder().setId(id).setContent(ByteBuffer.wrap(content)).build());
            };
        }

        @Override
        public void close() {
            registry.close();
            stack.close();
        }
    }

    private final ServingModels models;
    private final TopologyTestDriver driver;

    /** The topology of a pipeline configured with {@code settings} (on top of the defaults). */
    PipelineTopologyFixture(Backing backing, Map<String, String> settings) {
        ModelStore store = backing.store();
        this.models = ServingModels.open(EncoderLoader.from(store), m -> store.latest(m).orElseThrow(),
                EncoderOptions.defaults());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "pipeline-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DeadLetterProcessingExceptionHandler.streamsProperties(TOPICS.deadLetters()));
        this.driver = new TopologyTestDriver(EmbeddingPipeline.embeddingTopology(PipelineConfig.from(settings),
                backing.registry(), models, PipelineMetrics.NONE), props);
    }

    TestInputTopic<byte[], byte[]> input(Modality modality) {
        return driver.createInputTopic(TOPICS.events(modality), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Moves the driver's wall clock, which the batches' wait-time punctuation runs on. */
    void advanceWallClockTime(java.time.Duration by) {
        driver.advanceWallClockTime(by);
    }

    /** The embeddings of {@code modality} written since the last call. */
    List<TestRecord<String, byte[]>> embeddings(Modality modality) {
        return driver.createOutputTopic(TOPICS.embeddings(modality), new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    /** The dead letters written since the last call. */
    List<TestRecord<byte[], byte[]>> deadLetters() {
        return driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
        models.close();
    }
}
