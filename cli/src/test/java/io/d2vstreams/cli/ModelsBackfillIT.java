package io.d2vstreams.cli;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.BackfillKind;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.BackfillKeys;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.topology.PipelineConfig;
import io.d2vstreams.topology.RecordLimits;
import io.d2vstreams.topology.SchemaSetup;
import io.d2vstreams.topology.TopicSetup;
import io.d2vstreams.schemas.Topics;
import io.d2vstreams.topology.backfill.BackfillControl;
import io.d2vstreams.topology.backfill.BackfillEvents;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("d2v models backfill")
class ModelsBackfillIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();

    @TempDir
    Path dir;

    @Test
    @DisplayName("requests the backfill of the serving version and prints its progress per partition from d2v.backfill")
    void requestsAndShowsProgress() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            PipelineConfig config = PipelineConfig.from(Map.of(PipelineConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    PipelineConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()));
            SchemaSetup.registerAll(registry, TOPICS);
            TopicSetup.ensureTopics(config.clientProperties(), TOPICS, RecordLimits.of(config), 2, (short) -1);
            // What two stream tasks and a backfill worker would have written.
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.clientProperties(),
                    new StringSerializer(), new ByteArraySerializer());
                 SpecificAvroSerializer<BackfillEvent> serializer = new SpecificAvroSerializer<>(registry)) {
                for (BackfillEvent event : List.of(
                        BackfillEvents.swapPoint(Modality.TEXT, 0, 1, 0, 1),
                        BackfillEvents.swapPoint(Modality.TEXT, 1, 1, 0, 1),
                        BackfillEvents.swapPoint(Modality.TEXT, 0, 2, 100, 2),
                        BackfillEvents.swapPoint(Modality.TEXT, 1, 2, 60, 2),
                        BackfillEvents.progress(Modality.TEXT, 2, 0, 40, 100, 40, 0, 3))) {
                    producer.send(new ProducerRecord<>(TOPICS.backfill(), BackfillKeys.keyOf(event),
                            serializer.serialize(TOPICS.backfill(), event))).get();
                }
            }
            String[] cluster = {"--bootstrap-servers", stack.bootstrapServers(), "--registry", stack.registryUrl()};

            String out = run(concat(new String[]{"models", "backfill", "--modality", "text"}, cluster));
            assertThat(out).as("request and progress").contains("requested the backfill of text v2")
                    .contains("text v2 RUNNING 40/160 (25%)")
                    .contains("partition 0: 40/100").contains("partition 1: 0/60");
            try (BackfillControl control = new BackfillControl(config.clientProperties(), registry, TOPICS)) {
                assertThat(control.read().request(Modality.TEXT, 2)).as("the REQUEST record on d2v.backfill")
                        .hasValueSatisfying(r -> assertThat(r.getKind()).isEqualTo(BackfillKind.REQUEST));
            }

            String bounded = run(concat(new String[]{"models", "backfill", "--modality", "text", "--from-offsets", "0=60"}, cluster));
            assertThat(bounded).as("a request bounded by --from-offsets").contains("requested the backfill of text v2 from offsets {0=60}")
                    .contains("text v2 RUNNING 0/100 (0%)").contains("partition 0: 60/100 (from offset 60)")
                    .contains("partition 1: 0/60");
            try (BackfillControl control = new BackfillControl(config.clientProperties(), registry, TOPICS)) {
                assertThat(control.read().request(Modality.TEXT, 2)).as("the latest REQUEST, with its bound")
                        .hasValueSatisfying(r -> assertThat(r.getFromOffsets()).containsExactlyEntriesOf(Map.of("0", 60L)));
            }

            CommandLine wrong = D2v.commandLine();
            wrong.setOut(new PrintWriter(new StringWriter()));
            StringWriter err = new StringWriter();
            wrong.setErr(new PrintWriter(err, true));
            assertThat(wrong.execute(concat(new String[]{"models", "backfill", "--modality", "text", "--version", "1"}, cluster)))
                    .as("a version that does not serve is refused").isNotZero();
            assertThat(err.toString()).contains("not the version the pipelines serve (v2)");

            assertThat(run(concat(new String[]{"models", "backfill", "--modality", "image", "--status"}, cluster)))
                    .contains("image: no swap point yet");
        }
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
