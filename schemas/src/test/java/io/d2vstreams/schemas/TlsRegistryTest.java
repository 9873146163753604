package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RestSchemaRegistryClient over https")
class TlsRegistryTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @Test
    @DisplayName("trusts a registry whose certificate is in schema.registry.ssl.truststore.*, and refuses it without")
    void truststoreFromProperties(@TempDir Path dir) throws Exception {
        Path serverStore = dir.resolve("server.p12");
        generateServerKey(serverStore);
        Path trustStore = dir.resolve("trust.p12");
        writeTrustStore(serverStore, trustStore);

        try (ScriptedRegistry peer = new ScriptedRegistry(serverContext(serverStore))) {
            peer.reply(200, "[\"tls-value\"]");
            Map<String, Object> props = Map.of("schema.registry.url", peer.url().toString(),
                    "schema.registry.ssl.truststore.location", trustStore.toString(),
                    "schema.registry.ssl.truststore.password", "changeit",
                    "schema.registry.ssl.truststore.type", "PKCS12");
            try (RestSchemaRegistryClient client = RestSchemaRegistryClient.fromProperties(props)) {
                assertThat(client.subjects()).as("subjects over https").containsExactly("tls-value");
            }

            Map<String, Object> untrusted = Map.of("schema.registry.url", peer.url().toString(), "max.retries", "0");
            try (RestSchemaRegistryClient client = RestSchemaRegistryClient.fromProperties(untrusted)) {
                assertThatThrownBy(client::subjects).as("a self-signed registry without the trust store")
                        .isInstanceOf(RegistryUnavailableException.class);
            }
        }
    }

    /** keytool is the JDK's own way to make a self-signed certificate; the JDK has no API for it. */
    private static void generateServerKey(Path store) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "registry",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool exit code; output: %s", output).isZero();
    }

    private static void writeTrustStore(Path serverStore, Path trustStore) throws Exception {
        KeyStore server = load(serverStore);
        Certificate certificate = server.getCertificate("registry");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("registry", certificate);
        try (var out = Files.newOutputStream(trustStore)) {
            trust.store(out, PASSWORD);
        }
    }

    private static SSLContext serverContext(Path serverStore) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(serverStore), PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static KeyStore load(Path path) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

}
