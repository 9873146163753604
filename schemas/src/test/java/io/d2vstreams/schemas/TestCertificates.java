package io.d2vstreams.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/** A self-signed localhost certificate and a trust store for it, made in the test with the JDK's keytool. */
final class TestCertificates {

    static final String PASSWORD = "changeit";

    private TestCertificates() {
    }

    /**
     * A PKCS12 key store with a fresh EC key and a certificate for localhost and 127.0.0.1.
     * keytool is the JDK's own way to make a self-signed certificate; the JDK has no API for it.
     */
    static Path serverKeyStore(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "registry",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool exit code; output: %s", output).isZero();
        return store;
    }

    /** A PKCS12 trust store beside the server's, holding its certificate only (no key). */
    static Path trustStore(Path serverStore) throws Exception {
        KeyStore server = load(serverStore);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("registry", server.getCertificate("registry"));
        Path trustStore = serverStore.resolveSibling("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, PASSWORD.toCharArray());
        }
        return trustStore;
    }

    static KeyStore load(Path path) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }
}
