package io.d2vstreams.trainer;

import io.d2vstreams.avro.Modality;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.avro.TrainingSample;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroDeserializer;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics, samples and announcements on an embedded broker, for the worker's integration tests. */
final class TrainerTestKit {

    static final Topics TOPICS = new Topics(Topics.DEFAULT_PREFIX);

    private TrainerTestKit() {}

    /** What the pipeline's TopicSetup makes: the samples topic, and d2v.models compacted with one partition. */
    static void createTopics(String bootstrap, int samplePartitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(
                    new NewTopic(TOPICS.trainingSamples(), samplePartitions, (short) 1),
                    new NewTopic(TOPICS.models(), 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** TEXT samples {@code from} (inclusive) to {@code to}, as the sampling topology writes them, keyed by id. */
    static void produceTextSamples(String bootstrap, SchemaRegistryClient registry, int from, int to) {
        List<String> texts = TinyText.sentences(to - from, from);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TrainingSample> serializer = new SpecificAvroSerializer<>(registry)) {
            String topic = TOPICS.trainingSamples();
            for (int i = from; i < to; i++) {
                String id = "s" + i;
                TrainingSample sample = TrainingSample.newBuilder().setId(id).setModality(Modality.TEXT)
                        .setText(texts.get(i - from) + " #" + i).setSourceTopic("d2v.events.text")
                        .setSourcePartition(0).setSourceOffset(i).build();
                producer.send(new ProducerRecord<>(topic, id, serializer.serialize(topic, sample)));
            }
            producer.flush();
        }
    }

    /**
     * IMAGE samples {@code from} (inclusive) to {@code to}, as the sampling topology writes them
     * (the inline content, its mime type), keyed by id: 64×64 PNGs from {@link TinyImages#pngs}.
     */
    static void produceImageSamples(String bootstrap, SchemaRegistryClient registry, int from, int to) {
        List<byte[]> images = TinyImages.pngs(to - from, from);
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("img" + i);
        }
        produceImages(bootstrap, registry, ids, images);
    }

    /** IMAGE samples with these ids and contents (a corrupt image, say), source offsets counting from 0. */
    static void produceImages(String bootstrap, SchemaRegistryClient registry, List<String> ids, List<byte[]> contents) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TrainingSample> serializer = new SpecificAvroSerializer<>(registry)) {
            String topic = TOPICS.trainingSamples();
            for (int i = 0; i < ids.size(); i++) {
                TrainingSample sample = TrainingSample.newBuilder().setId(ids.get(i)).setModality(Modality.IMAGE)
                        .setContent(java.nio.ByteBuffer.wrap(contents.get(i))).setMime("image/png")
                        .setSourceTopic("d2v.events.image").setSourcePartition(0).setSourceOffset(i).build();
                producer.send(new ProducerRecord<>(topic, ids.get(i), serializer.serialize(topic, sample)));
            }
            producer.flush();
        }
    }

    /**
     * AUDIO samples {@code from} (inclusive) to {@code to}, as the sampling topology writes them
     * (the inline content, its mime type), keyed by id: 0.5–1 s WAVs from {@link TinyAudio#wavs}.
     */
    static void produceAudioSamples(String bootstrap, SchemaRegistryClient registry, int from, int to) {
        List<byte[]> clips = TinyAudio.wavs(to - from, from);
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("aud" + i);
        }
        produceAudio(bootstrap, registry, ids, clips);
    }

    /** AUDIO samples with these ids and contents (a corrupt clip, say), source offsets counting from 0. */
    static void produceAudio(String bootstrap, SchemaRegistryClient registry, List<String> ids, List<byte[]> contents) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<TrainingSample> serializer = new SpecificAvroSerializer<>(registry)) {
            String topic = TOPICS.trainingSamples();
            for (int i = 0; i < ids.size(); i++) {
                TrainingSample sample = TrainingSample.newBuilder().setId(ids.get(i)).setModality(Modality.AUDIO)
                        .setContent(java.nio.ByteBuffer.wrap(contents.get(i))).setMime("audio/wav")
                        .setSourceTopic("d2v.events.audio").setSourcePartition(0).setSourceOffset(i).build();
                producer.send(new ProducerRecord<>(topic, ids.get(i), serializer.serialize(topic, sample)));
            }
            producer.flush();
        }
    }

    /** Every announcement on d2v.models so far, in log order. */
    static List<ModelVersion> announcements(String bootstrap, SchemaRegistryClient registry) {
        List<ModelVersion> out = new ArrayList<>();
        SpecificAvroDeserializer<ModelVersion> deserializer = new SpecificAvroDeserializer<>(registry, ModelVersion.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPICS.models(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(deserializer.deserialize(r.topic(), r.value()));
                }
            }
        }
        return out;
    }

    /** The offsets the trainer's group has committed, by partition of the samples topic. */
    static Map<Integer, Long> committedOffsets(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<Integer, Long> out = new java.util.TreeMap<>();
            committed.forEach((tp, o) -> {
                if (tp.topic().equals(TOPICS.trainingSamples()) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        }
    }

    /** Worker settings small enough for a test: batches of 8, short texts, frequent checkpoints. */
    static Map<String, String> smallSettings(String bootstrap, String registryUrl, java.nio.file.Path dir) {
        return Map.ofEntries(
                Map.entry(TrainerWorkerConfig.BOOTSTRAP_SERVERS, bootstrap),
                Map.entry(TrainerWorkerConfig.SCHEMA_REGISTRY_URL, registryUrl),
                Map.entry(TrainerWorkerConfig.APPLICATION_ID, "trainer-it"),
                // The worker's tests that use these settings are about the TEXT loop; the default trains all three.
                Map.entry(TrainerWorkerConfig.MODALITIES, "TEXT"),
                Map.entry(TrainerWorkerConfig.MODEL_STORE_DIR, dir.resolve("models").toString()),
                Map.entry(TrainerWorkerConfig.CHECKPOINT_DIR, dir.resolve("checkpoints").toString()),
                Map.entry(TrainerWorkerConfig.BATCH_SIZE, "8"),
                Map.entry(TrainerWorkerConfig.MAX_TOKENS, "48"),
                Map.entry(TrainerWorkerConfig.WARMUP_STEPS, "0"),
                Map.entry(TrainerWorkerConfig.LEARNING_RATE, "1e-3"),
                Map.entry(TrainerWorkerConfig.HELDOUT_EVERY, "5"),
                Map.entry(TrainerWorkerConfig.HELDOUT_SIZE, "16"),
                Map.entry(TrainerWorkerConfig.GATE_HELDOUT_MIN, "8"),
                Map.entry(TrainerWorkerConfig.CHECKPOINT_INTERVAL_STEPS, "5"),
                Map.entry(TrainerWorkerConfig.LOG_INTERVAL_STEPS, "5"),
                Map.entry("session.timeout.ms", "6000"),
                Map.entry("heartbeat.interval.ms", "1000"));
    }
}
