package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RestSchemaRegistryClient over https")
class TlsRegistryTest {

    @Test
    @DisplayName("trusts a registry whose certificate is in schema.registry.ssl.truststore.*, and refuses it without")
    void truststoreFromProperties(@TempDir Path dir) throws Exception {
        Path serverStore = TestCertificates.serverKeyStore(dir);
        Path trustStore = TestCertificates.trustStore(serverStore);

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

    private static SSLContext serverContext(Path serverStore) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(TestCertificates.load(serverStore), TestCertificates.PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
