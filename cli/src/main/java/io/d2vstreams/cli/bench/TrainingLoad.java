package io.d2vstreams.cli.bench;

import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.cli.client.EventInput;
import io.d2vstreams.cli.client.EventInputs;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.schemas.WireModality;
import io.d2vstreams.trainer.TrainerWorker;
import io.d2vstreams.trainer.TrainerWorkerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A trainer kept busy beside the measured pipeline, in the same process as {@code d2v up} runs
 * them: a real {@link TrainerWorker} on the bench's broker, training the given modalities from a
 * backlog of generated samples. It has topics and a model store of its own ({@value #TOPIC_PREFIX}
 * prefix), so what it announces never reaches the measured pipeline: the bench measures what
 * training costs the pipeline's CPU, not a model swap.
 *
 * <p>Each step takes one fresh sample and replays the rest of its batch (a step costs its batch
 * whatever the share of fresh samples), so the backlog keeps every loop stepping for minutes, and
 * no export comes due, so what runs is steps, as a trainer between exports does.
 */
final class TrainingLoad implements AutoCloseable {
    static final String TOPIC_PREFIX = "bench-trainer.";
    /** Generated samples per modality: enough to step for longer than the bench takes with one fresh sample a step. */
    private static final Map<Modality, Integer> BACKLOG = Map.of(Modality.TEXT, 1000, Modality.IMAGE, 400,
            Modality.AUDIO, 150);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private final TrainerWorker worker;
    private final int concurrentSteps;

    private TrainingLoad(TrainerWorker worker, int concurrentSteps) {
        this.worker = worker;
        this.concurrentSteps = concurrentSteps;
    }

    /**
     * Creates the trainer's topics, fills its sample topic, and starts the worker.
     *
     * @param settings trainer settings on top of the defaults ({@code trainer.concurrent.steps=3}, say)
     */
    static TrainingLoad start(DevStack stack, SchemaRegistryClient registry, Path dir, List<Modality> modalities,
                              Map<String, String> settings, long seed) throws Exception {
        Topics topics = new Topics(TOPIC_PREFIX);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.trainingSamples(), 1, (short) 1)
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(2 << 20))),
                    new NewTopic(topics.models(), 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        produceSamples(stack.bootstrapServers(), registry, topics.trainingSamples(), modalities, seed);
        Map<String, String> config = new HashMap<>(Map.of(
                TrainerWorkerConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                TrainerWorkerConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                TrainerWorkerConfig.APPLICATION_ID, "d2v-bench-trainer",
                TrainerWorkerConfig.TOPIC_PREFIX, TOPIC_PREFIX,
                TrainerWorkerConfig.MODEL_STORE_DIR, dir.resolve("trainer-models").toString(),
                TrainerWorkerConfig.CHECKPOINT_DIR, dir.resolve("trainer-checkpoints").toString(),
                TrainerWorkerConfig.REPLAY_FRESH_FRACTION, "0.01",
                TrainerWorkerConfig.EXPORT_INTERVAL_STEPS, "1000000"));
        config.put(TrainerWorkerConfig.MODALITIES, String.join(",", modalities.stream().map(Modality::name).toList()));
        config.putAll(settings);
        TrainerWorkerConfig parsed = TrainerWorkerConfig.from(config);
        return new TrainingLoad(TrainerWorker.start(parsed), parsed.concurrentSteps());
    }

    /** Waits until every loop has taken a step: from then on the trainer computes. */
    void awaitStepping(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (worker.modalities().stream().anyMatch(m -> worker.progress(m).completedSteps() == 0)) {
            if (worker.failure().isPresent()) {
                throw new IllegalStateException("the trainer beside the pipeline stopped: "
                        + worker.failure().get().getMessage(), worker.failure().get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the trainer beside the pipeline took no step of every modality within "
                        + timeout + ": " + steps());
            }
            Thread.sleep(100);
        }
    }

    /** Steps completed so far, per modality. */
    Map<Modality, Long> steps() {
        Map<Modality, Long> out = new EnumMap<>(Modality.class);
        worker.modalities().forEach(m -> out.put(m, worker.progress(m).completedSteps()));
        return out;
    }

    /** {@code trainer.concurrent.steps} of the worker. */
    int concurrentSteps() {
        return concurrentSteps;
    }

    @Override
    public void close() {
        worker.close();
    }

    private static void produceSamples(String bootstrap, SchemaRegistryClient registry, String topic,
                                       List<Modality> modalities, long seed) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20), new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TrainingSample> serializer = new SpecificAvroSerializer<>(registry)) {
            long offset = 0;
            for (Modality modality : modalities) {
                for (EventInput input : EventInputs.generated(modality, BACKLOG.get(modality), seed + 3,
                        "train-" + modality.folderName() + "-")) {
                    TrainingSample sample = TrainingSample.newBuilder().setId(input.id())
                            .setModality(WireModality.of(modality))
                            .setText(input.text())
                            .setContent(input.content() == null ? null : ByteBuffer.wrap(input.content()))
                            .setMime(input.mime())
                            .setSourceTopic("generated").setSourcePartition(0).setSourceOffset(offset++).build();
                    producer.send(new ProducerRecord<>(topic, input.id(), serializer.serialize(topic, sample)));
                }
            }
            producer.flush();
        }
    }
}
