package io.d2vstreams.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.d2vstreams.devstack.RegistryHttp.schemaBody;
import static io.d2vstreams.devstack.TestSchemas.OTHER;
import static io.d2vstreams.devstack.TestSchemas.V1;
import static io.d2vstreams.devstack.TestSchemas.V2_WITH_DEFAULT;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("DevStack")
class DevStackTest {

    @Test
    @DisplayName("broker and registry restarted on the same directory keep ids, versions and settings, and continue the id sequence")
    void restartKeepsRegistryState(@TempDir Path dir) throws Exception {
        DevStackOptions options = DevStackOptions.builder(dir).kafkaPort(0).registryPort(0).build();
        int textId;
        int textV2Id;
        int otherId;
        try (DevStack stack = DevStack.start(options)) {
            assertThat(Files.exists(dir.resolve(DevStack.KAFKA_DIR).resolve("meta.properties")))
                .as("broker formatted its log directory under <dataDir>/kafka").isTrue();
            RegistryHttp http = new RegistryHttp(stack.registryUrl());
            textId = http.register("text-value", V1);
            otherId = http.register("other-value", OTHER);
            textV2Id = http.register("text-value", V2_WITH_DEFAULT);
            http.put("/config/other-value", Map.of("compatibility", "NONE"));
            http.delete("/subjects/other-value/versions/1");
        }

        try (DevStack stack = DevStack.start(options);
             Admin admin = KafkaClients.admin(stack.bootstrapServers())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("topics after the restart")
                .contains(RegistryOptions.DEFAULT_TOPIC);
            RegistryHttp http = new RegistryHttp(stack.registryUrl());

            JsonNode latest = http.get("/subjects/text-value/versions/latest").body();
            assertThat(latest.get("version").asInt()).as("latest version of text-value after the restart").isEqualTo(2);
            assertThat(latest.get("id").asInt()).as("id of text-value v2 after the restart").isEqualTo(textV2Id);
            assertThat(http.get("/subjects/text-value/versions/1").body().get("id").asInt())
                .as("id of text-value v1 after the restart").isEqualTo(textId);
            assertThat(http.get("/schemas/ids/" + otherId).status()).as("id of a soft-deleted version after the restart")
                .isEqualTo(200);
            assertThat(http.get("/subjects/other-value/versions").status()).as("soft delete survives the restart")
                .isEqualTo(404);
            assertThat(http.get("/config/other-value").body().get("compatibilityLevel").asText())
                .as("subject level after the restart").isEqualTo("NONE");
            // BACKWARD still applies to text-value: a record of another name cannot read Event data.
            assertThat(http.post("/subjects/text-value/versions", schemaBody(OTHER)).status())
                .as("status of an incompatible change after the restart").isEqualTo(409);

            assertThat(http.register("text-value", V1)).as("id of an already registered schema after the restart").isEqualTo(textId);
            int next = http.register("fresh-value", TestSchemas.THIRD);
            assertThat(next).as("first id handed out after the restart continues the sequence")
                .isEqualTo(Math.max(Math.max(textId, textV2Id), otherId) + 1);
        }
    }
}
