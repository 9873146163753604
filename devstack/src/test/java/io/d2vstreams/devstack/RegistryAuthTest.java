package io.d2vstreams.devstack;

import static io.d2vstreams.devstack.RegistryHttp.schemaBody;
import static io.d2vstreams.devstack.TestSchemas.V1;
import static io.d2vstreams.devstack.TestSchemas.V2_WITH_DEFAULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.d2vstreams.devstack.RegistryHttp.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded registry with basic auth (and TLS), over real HTTP on a real broker: writes are
 * refused without the right credentials and leave the registry as it was; the right ones work.
 */
@DisplayName("EmbeddedSchemaRegistry with basic auth and TLS")
class RegistryAuthTest {

    private static final String ALICE = "alice:wonderland-1";
    private static final String BOB = "bob:builder-2";

    @TempDir
    static Path dir;

    private static EmbeddedKafkaBroker broker;
    private static EmbeddedSchemaRegistry registry;
    /** Anonymous, as anyone who can reach the port. */
    private static RegistryHttp anonymous;
    private static RegistryHttp alice;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start(BrokerOptions.builder(dir.resolve("kafka")).port(0).build());
        registry = EmbeddedSchemaRegistry.start(RegistryOptions.builder(broker.bootstrapServers()).port(0)
                .topic("_schemas_auth").auth(users()).build());
        anonymous = new RegistryHttp(registry.url());
        alice = anonymous.withBasicAuth(ALICE);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static RegistryAuth users() {
        return RegistryAuth.basic(Map.of("alice", "wonderland-1", "bob", "builder-2"));
    }

    @Test
    @DisplayName("a write without credentials is refused with 401 and a Basic challenge, and the subject is unchanged")
    void writeWithoutCredentialsRefused() {
        Reply refused = anonymous.post("/subjects/anon-value/versions", schemaBody(V1));

        assertThat(refused.status()).as("status of an anonymous registration").isEqualTo(401);
        assertThat(refused.errorCode()).as("Confluent error code").isEqualTo(401);
        assertThat(refused.body().path("message").asText()).as("message").contains("needs the credentials");
        assertThat(refused.wwwAuthenticate()).as("WWW-Authenticate header").startsWith("Basic realm=");
        assertThat(texts(anonymous.get("/subjects").body())).as("subjects after the refused write")
                .doesNotContain("anon-value");
        assertThat(anonymous.get("/subjects/anon-value/versions").status()).as("versions of the refused subject")
                .isEqualTo(404);

        alice.register("evolve-value", V1);
        Reply evolve = anonymous.post("/subjects/evolve-value/versions", schemaBody(V2_WITH_DEFAULT));
        assertThat(evolve.status()).as("status of an anonymous new version").isEqualTo(401);
        assertThat(ints(anonymous.get("/subjects/evolve-value/versions").body())).as("versions after it")
                .containsExactly(1);
    }

    @Test
    @DisplayName("wrong credentials are refused alike: a wrong password, an unknown user, another scheme, garbage")
    void wrongCredentialsRefused() {
        List<RegistryHttp> wrong = List.of(
                anonymous.withBasicAuth("alice:not-her-password"),
                anonymous.withBasicAuth("mallory:wonderland-1"),
                anonymous.withBasicAuth("alice"),
                anonymous.withAuthorization("Bearer wonderland-1"),
                anonymous.withAuthorization("Basic !!not-base64!!"));
        for (RegistryHttp client : wrong) {
            Reply refused = client.post("/subjects/wrong-value/versions", schemaBody(V1));
            assertThat(refused.status()).as("status with wrong credentials").isEqualTo(401);
            assertThat(refused.body().path("message").asText()).as("message").contains("invalid credentials");
        }
        assertThat(anonymous.get("/subjects/wrong-value/versions").status()).as("the subject was never created")
                .isEqualTo(404);
    }

    @Test
    @DisplayName("with the right credentials a write succeeds, for every user, and reads need none")
    void rightCredentialsWrite() {
        int id = alice.register("right-value", V1);
        int second = anonymous.withBasicAuth(BOB).register("right-value", V2_WITH_DEFAULT);

        JsonNode latest = anonymous.get("/subjects/right-value/versions/latest").body();
        assertThat(latest.path("version").asInt()).as("latest version, read anonymously").isEqualTo(2);
        assertThat(latest.path("id").asInt()).as("id of bob's version").isEqualTo(second);
        assertThat(anonymous.get("/schemas/ids/" + id).status()).as("schema by id, read anonymously").isEqualTo(200);
        assertThat(anonymous.post("/subjects/right-value", schemaBody(V1)).status())
                .as("looking a schema up is a read").isEqualTo(200);
        assertThat(anonymous.post("/compatibility/subjects/right-value/versions/latest", schemaBody(V1)).status())
                .as("testing compatibility is a read").isEqualTo(200);
    }

    @Test
    @DisplayName("deletes without credentials are refused, a permanent one too, and the versions stay")
    void deleteWithoutCredentialsRefused() {
        alice.register("doomed-value", V1);

        assertThat(anonymous.delete("/subjects/doomed-value").status()).as("anonymous soft delete").isEqualTo(401);
        assertThat(ints(anonymous.get("/subjects/doomed-value/versions").body())).as("versions after it")
                .containsExactly(1);

        assertThat(alice.delete("/subjects/doomed-value").status()).as("alice's soft delete").isEqualTo(200);
        Reply permanent = anonymous.delete("/subjects/doomed-value?permanent=true");
        assertThat(permanent.status()).as("anonymous permanent delete").isEqualTo(401);
        assertThat(anonymous.delete("/subjects/doomed-value/versions/1?permanent=true").status())
                .as("anonymous permanent delete of the version").isEqualTo(401);
        assertThat(ints(anonymous.get("/subjects/doomed-value/versions?deleted=true").body()))
                .as("soft-deleted versions still kept after the refused permanent deletes").containsExactly(1);

        assertThat(alice.delete("/subjects/doomed-value?permanent=true").status()).as("alice's permanent delete")
                .isEqualTo(200);
        assertThat(anonymous.get("/subjects/doomed-value/versions?deleted=true").status())
                .as("versions after alice's permanent delete").isEqualTo(404);
    }

    @Test
    @DisplayName("compatibility changes without credentials are refused and the levels stay")
    void configChangesWithoutCredentialsRefused() {
        alice.register("levels-value", V1);
        alice.put("/config/levels-value", Map.of("compatibility", "FULL"));

        assertThat(anonymous.put("/config", Map.of("compatibility", "NONE")).status()).as("anonymous global change")
                .isEqualTo(401);
        assertThat(anonymous.put("/config/levels-value", Map.of("compatibility", "NONE")).status())
                .as("anonymous subject change").isEqualTo(401);
        assertThat(anonymous.delete("/config/levels-value").status()).as("anonymous subject reset").isEqualTo(401);

        assertThat(anonymous.get("/config").body().path("compatibilityLevel").asText()).as("global level")
                .isEqualTo("BACKWARD");
        assertThat(anonymous.get("/config/levels-value").body().path("compatibilityLevel").asText())
                .as("subject level").isEqualTo("FULL");
    }

    @Test
    @DisplayName("with reads closed too, a read without credentials is refused and answered with them")
    void closedReads() {
        try (EmbeddedSchemaRegistry closed = EmbeddedSchemaRegistry.start(RegistryOptions.builder(broker.bootstrapServers())
                .port(0).topic("_schemas_closed").auth(users().requiringCredentialsForReads()).build())) {
            RegistryHttp nobody = new RegistryHttp(closed.url());
            int id = nobody.withBasicAuth(ALICE).register("closed-value", V1);

            assertThat(nobody.get("/subjects").status()).as("anonymous list of subjects").isEqualTo(401);
            assertThat(nobody.get("/schemas/ids/" + id).status()).as("anonymous schema by id").isEqualTo(401);
            assertThat(nobody.withBasicAuth("alice:wrong").get("/subjects").status()).as("wrong password")
                    .isEqualTo(401);
            assertThat(texts(nobody.withBasicAuth(BOB).get("/subjects").body())).as("bob's list of subjects")
                    .containsExactly("closed-value");
        }
    }

    @Test
    @DisplayName("without users it refuses to serve anything but loopback; with users it may serve the network")
    void loopbackOnlyWithoutAuth() {
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.start(RegistryOptions.builder(broker.bootstrapServers())
                .host("0.0.0.0").port(0).topic("_schemas_open").build()))
                .as("an unauthenticated registry on every interface")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without authentication")
                .hasMessageContaining("loopback");

        try (EmbeddedSchemaRegistry everywhere = EmbeddedSchemaRegistry.start(RegistryOptions.builder(broker.bootstrapServers())
                .host("0.0.0.0").port(0).topic("_schemas_everywhere").auth(users()).build())) {
            String local = everywhere.url().replace("0.0.0.0", "localhost");
            assertThat(new RegistryHttp(local).post("/subjects/any-value/versions", schemaBody(V1)).status())
                    .as("anonymous write to the network-facing registry").isEqualTo(401);
        }
    }

    @Test
    @DisplayName("start-up says in one line who can reach the registry: without auth, this machine only")
    void startupLineSaysWhoCanReachIt() {
        List<String> open = startupLines(RegistryOptions.builder(broker.bootstrapServers()).port(0)
                .topic("_schemas_line_open").build());
        assertThat(open).as("start-up lines of a registry without auth").hasSize(1);
        assertThat(open.get(0)).as("its start-up line").contains("auth=none").contains("loopback only");

        List<String> secured = startupLines(RegistryOptions.builder(broker.bootstrapServers()).port(0)
                .topic("_schemas_line_auth").auth(users()).build());
        assertThat(secured).as("start-up lines of a registry with auth").hasSize(1);
        assertThat(secured.get(0)).as("its start-up line")
                .contains("auth=basic(users=[alice, bob], reads=open)")
                .contains("writes need credentials")
                .doesNotContain("wonderland-1").doesNotContain("builder-2");
    }

    @Test
    @DisplayName("over TLS: a client trusting the certificate writes with credentials, is refused without, and untrusted fails")
    void tls(@TempDir Path certs) throws Exception {
        Path keyStore = TestCertificates.serverKeyStore(certs);
        try (EmbeddedSchemaRegistry https = EmbeddedSchemaRegistry.start(RegistryOptions.builder(broker.bootstrapServers())
                .port(0).topic("_schemas_tls").auth(users())
                .tls(RegistryTls.fromKeyStore(keyStore, TestCertificates.PASSWORD.toCharArray())).build())) {
            assertThat(https.url()).as("URL of the TLS registry").startsWith("https://localhost:");
            SSLContext trust = TestCertificates.trusting(keyStore);
            RegistryHttp client = new RegistryHttp(https.url()).trusting(trust);

            assertThat(client.post("/subjects/tls-value/versions", schemaBody(V1)).status())
                    .as("anonymous write over https").isEqualTo(401);
            int id = client.withBasicAuth(ALICE).register("tls-value", V1);
            assertThat(client.get("/schemas/ids/" + id).status()).as("read over https").isEqualTo(200);
            assertThatThrownBy(() -> new RegistryHttp(https.url()).get("/subjects"))
                    .as("a client that does not trust the certificate").isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    @DisplayName("a wrong key store password fails before anything starts, naming the file")
    void wrongKeyStorePassword(@TempDir Path certs) throws Exception {
        Path keyStore = TestCertificates.serverKeyStore(certs);
        assertThatThrownBy(() -> RegistryTls.fromKeyStore(keyStore, "wrong".toCharArray()))
                .as("loading the key store with a wrong password")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(keyStore.getFileName().toString());
    }

    @Test
    @DisplayName("users come from a user=password file; its passwords never show in toString")
    void usersFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("users.properties");
        Files.writeString(file, "# registry users\nalice = wonderland-1\nbob=builder-2\n");

        RegistryAuth auth = RegistryAuth.fromUsersFile(file);

        assertThat(auth.users()).as("users read from the file").containsExactly("alice", "bob");
        assertThat(auth.authenticate("Basic " + base64(ALICE))).as("alice's credentials").contains("alice");
        assertThat(auth.authenticate("basic " + base64(BOB))).as("bob's, scheme in lower case").contains("bob");
        assertThat(auth.authenticate("Basic " + base64("alice:builder-2"))).as("alice with bob's password").isEmpty();
        assertThat(auth.toString()).as("toString").doesNotContain("wonderland-1").doesNotContain("builder-2");

        Files.writeString(file, "carol=\n");
        assertThatThrownBy(() -> RegistryAuth.fromUsersFile(file)).as("a user without a password")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carol has an empty password");
        assertThatThrownBy(() -> RegistryAuth.fromUsersFile(tmp.resolve("missing.properties"))).as("a missing file")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not found");
    }

    /** The lines the registry logs while it starts (slf4j-simple writes to whatever System.err is then). */
    private static List<String> startupLines(RegistryOptions options) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        EmbeddedSchemaRegistry started;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            started = EmbeddedSchemaRegistry.start(options);
        } finally {
            System.setErr(original);
        }
        started.close();
        return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("Schema registry started")).toList();
    }

    private static String base64(String userInfo) {
        return java.util.Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }
}
