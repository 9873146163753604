package io.d2vstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2vstreams.avro.ModelStatus;
import io.d2vstreams.avro.ModelVersion;
import io.d2vstreams.devstack.DevStack;
import io.d2vstreams.devstack.DevStackOptions;
import io.d2vstreams.runtime.Modality;
import io.d2vstreams.runtime.ModelStore;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
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
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v9");

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

    private static int active(String bootstrap, SchemaRegistryClient registry) {
        try (ModelVersionLog log = new ModelVersionLog(Map.of("bootstrap.servers", bootstrap), registry,
                TrainerTestKit.TOPICS.models())) {
            return log.catchUp(Duration.ofSeconds(30)).active(Modality.TEXT).orElseThrow().getVersion();
        }
    }
}
