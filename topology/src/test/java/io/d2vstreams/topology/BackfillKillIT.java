package io.d2vstreams.topology;

import io.d2vstreams.avro.BackfillEvent;
import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.schemas.ModelAnnouncer;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.schemas.SpecificAvroSerializer;
import io.d2vstreams.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("Backfill across kill -9")
class BackfillKillIT {
    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String EVENTS = TOPICS.events(Modality.TEXT);
    private static final int BEFORE = 600;
    private static final int AFTER = 60;

    @TempDir
    Path dir;

    @Test
    @DisplayName("a pipeline killed with kill -9 mid-backfill resumes it: still exactly one v2 embedding per input after the cut-over")
    void resumesAfterKill() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())));
             ChildPipelines children = new ChildPipelines(stack, dir);
             KafkaProducer<String, byte[]> producer = TestClients.producer(stack.bootstrapServers());
             SpecificAvroSerializer<TextEvent> serializer = new SpecificAvroSerializer<>(registry);
             BackfillIT.Reader reader = new BackfillIT.Reader(stack, registry, Modality.TEXT)) {
            // A slow backfill (5 % of the encoder, small batches), so that the kill lands in the middle of it.
            String[] settings = {PipelineConfig.SAMPLING_ENABLED + "=false", PipelineConfig.BACKFILL_MAX_SHARE + "=0.05",
                    PipelineConfig.BACKFILL_BATCH_SIZE + "=8"};
            children.start(settings);
            for (int i = 0; i < BEFORE; i++) {
                send(producer, serializer, i);
            }
            producer.flush();
            await("v1 embeds the first records").atMost(Duration.ofSeconds(120))
                    .until(() -> reader.drain().byVersion(1).size() >= BEFORE);

            ModelStore store = new ModelStore(dir.resolve("models"));
            ModelManifest next = store.initDefault(Modality.TEXT, 99);
            int v2 = next.version();
            try (ModelAnnouncer announcer = new ModelAnnouncer(Map.of("bootstrap.servers", stack.bootstrapServers()),
                    registry, TOPICS.models())) {
                announcer.announce(BackfillIT.active(next));
            }
            await("the backfill has started").atMost(Duration.ofSeconds(60))
                    .until(() -> reader.drain().backfilled.size() >= 40);
            assertThat(reader.cutOver(v2)).as("the kill lands before the cut-over").isEmpty();
            ChildPipelines.killHard(children.last());
            int backfilledBeforeKill = reader.backfilled.size();

            for (int i = BEFORE; i < BEFORE + AFTER; i++) {
                send(producer, serializer, i);
            }
            producer.flush();
            children.start(settings);

            AtomicReference<BackfillEvent> cutOver = new AtomicReference<>();
            await("the cut-over of v" + v2 + " after the restart").atMost(Duration.ofSeconds(180)).until(() -> {
                cutOver.set(reader.drain().cutOver(v2).orElse(null));
                return cutOver.get() != null;
            });
            BackfillEvent marker = cutOver.get();
            await("read up to the marker").atMost(Duration.ofSeconds(60))
                    .until(() -> reader.drain().reached(marker.getEmbeddingEndOffsets()));
            await("every input has a v2 embedding").atMost(Duration.ofSeconds(60))
                    .until(() -> reader.drain().byVersion(v2).size() >= BEFORE + AFTER);
            send(producer, serializer, BEFORE + AFTER);
            producer.flush();
            await("one more").atMost(Duration.ofSeconds(30))
                    .until(() -> reader.drain().byVersion(v2).containsKey("r" + (BEFORE + AFTER)));

            assertThat(reader.byVersion(v2)).as("every input has a v2 embedding").hasSize(BEFORE + AFTER + 1);
            assertThat(reader.byVersion(v2).values()).as("exactly one each, across the kill").containsOnly(1);
            assertThat(reader.byVersion(1).values()).as("v1 ones untouched").containsOnly(1);
            long belowSwapPoints = marker.getInputEndOffsets().values().stream().mapToLong(Long::longValue).sum();
            assertThat((long) reader.backfilled.size()).as("backfilled once each (%d before the kill)", backfilledBeforeKill)
                    .isEqualTo(belowSwapPoints);
            assertThat(backfilledBeforeKill).as("the kill came mid-backfill").isLessThan((int) belowSwapPoints);
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<TextEvent> serializer, int i) {
        producer.send(new ProducerRecord<>(EVENTS, "r" + i, serializer.serialize(EVENTS,
                TextEvent.newBuilder().setId("r" + i).setText("kill sentence number " + i).build())));
    }
}
