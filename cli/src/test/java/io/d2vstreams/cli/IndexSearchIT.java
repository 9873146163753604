package io.d2vstreams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.cli.index.VectorIndexes;
import io.d2vstreams.cli.index.VersionIndex;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.topology.EmbeddingPipeline;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("d2v index and d2v search against a running pipeline, across a model refresh")
class IndexSearchIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final int RECORDS = 60;

    @TempDir
    Path dir;

    @Test
    @DisplayName("indexes v1, builds v2 beside it, switches at the cut-over to a complete v2 index, and search embeds the query with the serving version")
    void indexSwitchesAtTheCutOver() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            Path models = dir.resolve("models");
            Path index = dir.resolve("index");
            PipelineConfig config = PipelineConfig.from(Map.of(
                    PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    PipelineConfig.TOPIC_PARTITIONS, "2",
                    PipelineConfig.TEXT_BATCH_MAX_SIZE, "16",
                    PipelineConfig.SAMPLING_ENABLED, "false",
                    PipelineConfig.METRICS_PORT, "-1",
                    PipelineConfig.MODEL_STORE_DIR, models.toString()));
            String[] cluster = {"--bootstrap-servers", stack.bootstrapServers(), "--registry", stack.registryUrl()};
            VectorIndexes indexes = new VectorIndexes(index);
            try (EmbeddingPipeline pipeline = EmbeddingPipeline.start(config);
                 ModelAnnouncer announcer = new ModelAnnouncer(config.clientProperties(), registry, TOPICS.models());
                 SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.clientProperties(),
                         new StringSerializer(), new ByteArraySerializer())) {
                pipeline.awaitRunning(Duration.ofSeconds(60));
                for (int i = 0; i < RECORDS; i++) {
                    String id = "t" + i;
                    producer.send(new ProducerRecord<>(TOPICS.events(Modality.TEXT), id, serializer.serialize(
                            TOPICS.events(Modality.TEXT), TextEvent.newBuilder().setId(id).setText(sentence(i)).build())));
                }
                producer.flush();
                await("every text indexed with v1").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> {
                            run(concat(new String[]{"index", "--once", "--modality", "text", "--index-dir", index.toString()}, cluster));
                            return count(indexes, 1) == RECORDS;
                        });
                assertThat(indexes.serving(Modality.TEXT)).as("the first version indexed serves").hasValue(1);
                JsonNode v1Hits = search(index, models, sentence(17));
                assertThat(v1Hits.path("model_version").asInt()).isEqualTo(1);
                assertThat(v1Hits.at("/hits/0/id").asText()).as("the event of the same sentence is nearest").isEqualTo("t17");

                ModelManifest next = new ModelStore(models).initDefault(Modality.TEXT, 99);
                announcer.announce(ModelVersion.newBuilder()
                        .setModality(io.d2vstreams.avro.Modality.TEXT).setModel(next.name()).setVersion(next.version())
                        .setUri("text/v" + next.version()).setSha256(next.digest()).setDim(next.dim())
                        .setStatus(ModelStatus.ACTIVE).setCreatedAtMs(System.currentTimeMillis()).build());
                List<Integer> servedBySearch = new ArrayList<>();
                await("the index switches to v" + next.version() + " at its cut-over").atMost(Duration.ofSeconds(150))
                        .pollInterval(Duration.ofSeconds(1)).until(() -> {
                            run(concat(new String[]{"index", "--once", "--modality", "text", "--index-dir", index.toString()}, cluster));
                            int serving = indexes.serving(Modality.TEXT).orElse(0);
                            // Nothing indexes meanwhile: search must answer from the version serving now.
                            JsonNode answer = search(index, models, sentence(17));
                            assertThat(answer.path("model_version").asInt()).as("search while v%d serves", serving)
                                    .isEqualTo(serving);
                            servedBySearch.add(serving);
                            return serving == next.version();
                        });
                assertThat(servedBySearch).as("versions search answered from, poll by poll: v1 until the cut-over, then v2")
                        .isSortedAccordingTo(Integer::compare).endsWith(next.version())
                        .allMatch(v -> v == 1 || v == next.version());
                assertThat(count(indexes, next.version())).as("at the switch the v2 index holds every input: the backfill's")
                        .isEqualTo(RECORDS);
                assertThat(count(indexes, 1)).as("v1's index untouched beside it").isEqualTo(RECORDS);
                JsonNode v2Hits = search(index, models, sentence(17));
                assertThat(v2Hits.path("model_version").asInt()).as("the query embedded with the serving version").isEqualTo(next.version());
                assertThat(v2Hits.at("/hits/0/id").asText()).isEqualTo("t17");
                assertThat(v2Hits.at("/hits/0/score").asDouble()).as("the same sentence, the same vector").isGreaterThan(0.999);
            }
        }
    }

    private static String sentence(int i) {
        String[] words = {"river", "mountain", "engine", "violin", "harbour", "lantern", "orchard", "glacier"};
        return "the " + words[i % words.length] + " number " + i + " near the " + words[(i * 3 + 1) % words.length];
    }

    private static int count(VectorIndexes indexes, int version) throws Exception {
        if (!indexes.versions(Modality.TEXT).contains(version)) {
            return 0;
        }
        try (VersionIndex opened = indexes.openForWriting(Modality.TEXT, version)) {
            return opened.committedCount();
        }
    }

    private static JsonNode search(Path index, Path models, String query) throws Exception {
        String out = run("search", "--modality", "text", "--index-dir", index.toString(), "--store", models.toString(),
                "--top", "3", "--json", query);
        String[] lines = out.trim().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = D2v.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute(args)).as("d2v %s; stderr: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }
}
