package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelLoadException;
import io.d2vstreams.runtime.ModelManifest;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ModelControl: promote and rollback on d2v.models")
class ModelControlIT {

    @TempDir
    Path dir;

    @Test
    @DisplayName("promote makes a store version serve; rollback returns to the one before and retires the current one")
    void promoteAndRollback() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            String bootstrap = stack.bootstrapServers();
            TrainerTestKit.createTopics(bootstrap, 1);
            ModelStore store = new ModelStore(dir.resolve("models"));
            store.initDefault(Modality.TEXT, 1);
            store.initDefault(Modality.TEXT, 2);
            Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
            try (ModelControl control = new ModelControl(client, registry, TrainerTestKit.TOPICS, store)) {
                assertThatThrownBy(() -> control.rollback(Modality.TEXT, null)).as("nothing ACTIVE yet")
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nothing to roll back");
                control.promote(Modality.TEXT, 1, "first");
                ModelVersion v2 = control.promote(Modality.TEXT, 2, "try the new one");
                assertThat(v2.getSha256()).isEqualTo(store.version(Modality.TEXT, 2).orElseThrow().digest());
                assertThat(active(bootstrap, registry)).as("after promoting v2").isEqualTo(2);
                assertThatThrownBy(() -> control.promote(Modality.TEXT, 9, null)).as("not in the store")
                        .isInstanceOf(ModelLoadException.class).hasMessageContaining("has no text v9");

                ModelControl.Rollback rollback = control.rollback(Modality.TEXT, "v2 looked off");
                assertThat(rollback.to().getVersion()).isEqualTo(1);
                assertThat(rollback.from().getStatus()).isEqualTo(ModelStatus.RETIRED);
                assertThat(rollback.from().getReason()).contains("rolled back to v1").contains("v2 looked off");
                assertThat(active(bootstrap, registry)).as("after the rollback").isEqualTo(1);
                assertThatThrownBy(() -> control.rollback(Modality.TEXT, null)).as("v1 had nothing before it")
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("promote one instead");
            }
        }
    }

    @Test
    @DisplayName("a tampered version is refused by promote and by a rollback to it, and nothing about it is announced")
    void refusesDamagedVersions() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            String bootstrap = stack.bootstrapServers();
            TrainerTestKit.createTopics(bootstrap, 1);
            ModelStore store = new ModelStore(dir.resolve("models"));
            ModelManifest v1 = store.initDefault(Modality.TEXT, 1);
            ModelManifest v2 = store.initDefault(Modality.TEXT, 2);
            ModelManifest v3 = store.initDefault(Modality.TEXT, 3);
            flipLastByte(v3.directory().resolve(ModelStore.MODEL_FILE));
            Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
            try (ModelControl control = new ModelControl(client, registry, TrainerTestKit.TOPICS, store)) {
                assertThatThrownBy(() -> control.promote(Modality.TEXT, 3, null)).as("promoting a tampered v3")
                        .isInstanceOf(ModelLoadException.class).hasMessageContaining("checksum mismatch for model.onnx");
                assertThat(TrainerTestKit.announcements(bootstrap, registry)).as("d2v.models after the refused promote")
                        .isEmpty();

                control.promote(Modality.TEXT, 1, null);
                control.promote(Modality.TEXT, 2, null);
                // v1 served before v2; now its tokenizer changes on disk.
                flipLastByte(v1.directory().resolve(ModelStore.TOKENIZER_FILE));
                assertThatThrownBy(() -> control.rollback(Modality.TEXT, null)).as("rolling back to a damaged v1")
                        .isInstanceOf(ModelLoadException.class).hasMessageContaining("checksum mismatch for tokenizer.json");
                List<ModelVersion> log = TrainerTestKit.announcements(bootstrap, registry);
                assertThat(log).as("d2v.models after the refused rollback: the two promotes only").hasSize(2);
                assertThat(log).as("every announcement carries the store's digest")
                        .extracting(ModelVersion::getSha256).containsExactly(v1.digest(), v2.digest());
                assertThat(active(bootstrap, registry)).as("still serving after the refused rollback").isEqualTo(2);
            }
        }
    }

    @Test
    @DisplayName("a version announced before with another digest is refused: the same number must not name other files")
    void refusesChangedDigest() throws Exception {
        try (DevStack stack = DevStack.start(DevStackOptions.builder(dir.resolve("stack")).kafkaPort(0).registryPort(0).build());
             SchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.fromProperties(
                     Map.of("schema.registry.url", stack.registryUrl())))) {
            String bootstrap = stack.bootstrapServers();
            TrainerTestKit.createTopics(bootstrap, 1);
            Path storeDir = dir.resolve("models");
            ModelStore store = new ModelStore(storeDir);
            store.initDefault(Modality.TEXT, 1);
            Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);
            try (ModelControl control = new ModelControl(client, registry, TrainerTestKit.TOPICS, store)) {
                ModelVersion first = control.promote(Modality.TEXT, 1, null);
                // The store is wiped and v1 generated again from another seed: a valid version, other files.
                deleteTree(storeDir);
                ModelManifest other = store.initDefault(Modality.TEXT, 7);
                assertThat(other.digest()).as("digest of the regenerated v1").isNotEqualTo(first.getSha256());

                assertThatThrownBy(() -> control.promote(Modality.TEXT, 1, null)).as("promoting the regenerated v1")
                        .isInstanceOf(ModelLoadException.class)
                        .hasMessageContaining("announced with digest " + first.getSha256())
                        .hasMessageContaining(other.digest());
                assertThat(TrainerTestKit.announcements(bootstrap, registry)).as("d2v.models: the first promote only")
                        .hasSize(1);
            }
        }
    }

    private static void flipLastByte(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(file, bytes);
    }

    private static void deleteTree(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static int active(String bootstrap, SchemaRegistryClient registry) {
        try (ModelVersionLog log = new ModelVersionLog(Map.of("bootstrap.servers", bootstrap), registry,
                TrainerTestKit.TOPICS.models())) {
            return log.catchUp(Duration.ofSeconds(30)).active(Modality.TEXT).orElseThrow().getVersion();
        }
    }
}
