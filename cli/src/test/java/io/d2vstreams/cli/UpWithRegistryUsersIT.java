package io.d2vstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.d2vstreams.avro.TextEvent;
import io.d2vstreams.devstack.RegistryAuth;
import io.d2vstreams.schemas.RegistryClientConfig;
import io.d2vstreams.schemas.RestSchemaRegistryClient;
import io.d2vstreams.schemas.SchemaRegistryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded service ({@code d2v up}) with {@code --registry-users}: the stack works, strangers cannot write. */
@DisplayName("d2v up with registry users")
class UpWithRegistryUsersIT {

    @TempDir
    Path dir;

    @Test
    @DisplayName("its own pipeline and trainer register their schemas; anyone else needs a user from the file to write")
    void guardedRegistry() throws Exception {
        Path users = dir.resolve("registry-users.properties");
        Files.writeString(users, "alice=wonderland-1\n");
        EmbeddedService.Options options = new EmbeddedService.Options(dir.resolve("data"), "localhost", 0, 0, 0, -1,
                RegistryAuth.fromUsersFile(users), 3);

        try (EmbeddedService service = EmbeddedService.start(options);
             RestSchemaRegistryClient anonymous = client(service, null);
             RestSchemaRegistryClient alice = client(service, "alice:wonderland-1")) {
            service.pipeline().awaitRunning(Duration.ofSeconds(90));
            await("the pipeline's and the trainer's schemas, registered with the service's own user")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> anonymous.subjects().containsAll(java.util.List.of("d2v.events.text-value", "d2v.models-value")));

            SchemaRegistryException refused = catchThrowableOfType(SchemaRegistryException.class,
                    () -> anonymous.register("strangers-value", TextEvent.getClassSchema()));
            assertThat(refused).as("an anonymous registration").isNotNull();
            assertThat(refused.status()).as("its HTTP status").isEqualTo(401);
            assertThat(alice.register("alices-value", TextEvent.getClassSchema())).as("alice's registration").isPositive();
            assertThat(anonymous.subjects()).as("subjects").contains("alices-value").doesNotContain("strangers-value");
        }
    }

    @Test
    @DisplayName("a users file that names the service's own user is refused before anything starts")
    void reservedUserRefused() throws Exception {
        Path users = dir.resolve("registry-users.properties");
        Files.writeString(users, EmbeddedService.SERVICE_USER + "=guess\n");

        assertThatThrownBy(() -> new EmbeddedService.Options(dir.resolve("data"), "localhost", 0, 0, 0, -1,
                RegistryAuth.fromUsersFile(users), 3)).as("options naming " + EmbeddedService.SERVICE_USER)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(EmbeddedService.SERVICE_USER);
    }

    private static RestSchemaRegistryClient client(EmbeddedService service, String userInfo) {
        RegistryClientConfig config = RegistryClientConfig.forUrls(service.registryUrl());
        return new RestSchemaRegistryClient(userInfo == null ? config : config.withBasicAuth(userInfo));
    }
}
