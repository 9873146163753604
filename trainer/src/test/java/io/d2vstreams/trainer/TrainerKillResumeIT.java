package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import io.d2vstreams.trainer.text.TextData2VecTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker in a child JVM, killed with {@code kill -9} after a checkpoint and started again on
 * the same directories: it restores the checkpoint's step count and seeks its consumer to the
 * checkpoint's offsets, then carries on counting from there.
 */
@DisplayName("TrainerWorker, killed with kill -9 and restarted")
class TrainerKillResumeIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("resumes from the checkpoint's step count and consumer offsets")
    void resumesAfterKill() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            String bootstrap = stack.bootstrapServers();
            TrainerTestKit.createTopics(bootstrap, 2);
            TrainerTestKit.produceTextSamples(bootstrap, registry, 0, 600);
            Path data = dir.resolve("data");
            Path checkpoints = data.resolve("checkpoints").resolve("text"); // the TEXT loop's own folder

            Process first = start(bootstrap, stack.registryUrl(), data);
            await("a checkpoint at step 10 or later").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> newestStep(checkpoints) >= 10 || !first.isAlive());
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("kill -9 took effect").isTrue();

            // What the restart must continue from: the newest complete checkpoint on disk.
            ModelStore store = new ModelStore(data.resolve("models"));
            CheckpointInfo checkpoint;
            TrainerWorkerConfig config = TrainerWorkerConfig.from(TrainerTestKit.smallSettings(bootstrap, stack.registryUrl(), data));
            try (TextData2VecTrainer reader = TextData2VecTrainer.fromStore(store,
                    store.version(Modality.TEXT, 1).orElseThrow(), config.training())) {
                checkpoint = reader.restoreLatest(checkpoints).orElseThrow();
            }
            Map<Integer, Long> offsets = offsets(checkpoint);
            assertThat(checkpoint.step()).as("checkpointed step").isGreaterThanOrEqualTo(10);
            assertThat(offsets).as("the checkpoint holds an offset per partition").containsOnlyKeys(0, 1);

            Process second = start(bootstrap, stack.registryUrl(), data);
            Path log = logOf(1);
            long step = checkpoint.step();
            await("resumed, then a checkpoint 5 steps later (log: " + log + ")").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !second.isAlive() || Files.readString(log).contains("step=" + (step + 5) + " path="));
            String output = Files.readString(log);
            assertThat(second.isAlive()).as("the restarted worker runs; output:%n%s", output).isTrue();
            assertThat(output).as("resumed with the checkpoint's step count")
                    .contains("event=trainer_resumed modality=TEXT step=" + step + " ");
            offsets.forEach((partition, offset) -> assertThat(output)
                    .as("partition %d resumes at the checkpoint's offset", partition)
                    .contains("event=partition_assigned topic=" + TrainerTestKit.TOPICS.trainingSamples() + " partition="
                            + partition + " offset=" + offset + " source=checkpoint"));
            assertThat(output).as("no fresh start after the kill").doesNotContain("event=trainer_fresh_start");
            Map<Integer, Long> committed = TrainerTestKit.committedOffsets(bootstrap, config.textGroupId());
            offsets.forEach((partition, offset) -> assertThat(committed.get(partition))
                    .as("partition %d: committed after the restart, from the checkpoint on", partition)
                    .isGreaterThanOrEqualTo(offset));
        }
    }

    private Process start(String bootstrap, String registryUrl, Path data) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = logOf(children.size());
        Process process = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                TrainerChildProcess.class.getName(), bootstrap, registryUrl, data.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(process);
        await("the child worker started (log: " + log + ")").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !process.isAlive() || Files.readString(log).contains(TrainerChildProcess.READY_LINE));
        assertThat(process.isAlive()).as("child running; output:%n%s", Files.readString(log)).isTrue();
        return process;
    }

    private Path logOf(int child) {
        return dir.resolve("trainer-" + child + ".log");
    }

    private static long newestStep(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return -1;
        }
        try (Stream<Path> children = Files.list(checkpoints)) {
            return children.map(p -> p.getFileName().toString()).filter(n -> n.matches("step-\\d{12}"))
                    .mapToLong(n -> Long.parseLong(n.substring(5))).max().orElse(-1);
        }
    }

    private static Map<Integer, Long> offsets(CheckpointInfo checkpoint) {
        String prefix = "offset." + TrainerTestKit.TOPICS.trainingSamples() + ".";
        Map<Integer, Long> out = new TreeMap<>();
        checkpoint.extra().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(Integer.parseInt(k.substring(prefix.length())), Long.parseLong(v));
            }
        });
        return out;
    }
}
