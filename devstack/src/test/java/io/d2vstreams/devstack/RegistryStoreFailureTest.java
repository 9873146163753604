package io.d2vstreams.devstack;

import io.d2vstreams.devstack.RegistryHttp.Reply;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.d2vstreams.devstack.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("EmbeddedSchemaRegistry without its broker")
class RegistryStoreFailureTest {

    @Test
    @DisplayName("a registration that cannot be written to Kafka is answered 500 with error 50001, not acknowledged")
    void storeErrorWhenBrokerIsGone(@TempDir Path dir) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir).port(0).build());
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(RegistryOptions.builder(broker.bootstrapServers())
                .port(0).kafkaTimeout(Duration.ofSeconds(2)).build())) {
            RegistryHttp http = new RegistryHttp(registry.url());
            http.register("before-value", TestSchemas.V1);
            broker.close();

            Reply reply = http.post("/subjects/after-value/versions", schemaBody(TestSchemas.OTHER));

            assertThat(reply.status()).as("HTTP status of a registration with the broker down (body %s)", reply.body()).isEqualTo(500);
            assertThat(reply.errorCode()).as("error_code of a registration with the broker down").isEqualTo(50001);
            assertThat(http.get("/subjects/after-value/versions").errorCode()).as("the failed registration was not applied")
                .isEqualTo(40401);
        } finally {
            broker.close();
        }
    }
}
