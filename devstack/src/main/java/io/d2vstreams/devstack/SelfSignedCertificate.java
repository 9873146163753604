package io.d2vstreams.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A fresh self-signed certificate for {@code localhost} and {@code 127.0.0.1}, for the embedded servers
 * in development and in tests: a PKCS12 key store with the key and the certificate (what
 * {@link RegistryTls#fromKeyStore} and {@link SaslSslListener} serve), and a PKCS12 trust store with
 * the certificate alone (what a client names in {@code ssl.truststore.location}).
 *
 * <p>It is made with the JDK's {@code keytool}, because the JDK has no public API that signs a
 * certificate. Both stores share one password, made at random for each certificate.
 * Nothing in it is meant for production: no CA, and clients trust exactly this one certificate.
 */
public final class SelfSignedCertificate {

    /** The alias of the key entry in {@link #keyStore()} and of the certificate in {@link #trustStore()}. */
    public static final String ALIAS = "localhost";
    /** Both files are PKCS12, the JDK's default key store type. */
    public static final String STORE_TYPE = "PKCS12";
    private static final int VALIDITY_DAYS = 30;
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    /** keytool reads the password from this variable of its own environment, so it never shows in a process list. */
    private static final String PASSWORD_VARIABLE = "D2V_KEYTOOL_STOREPASS";

    private final Path keyStore;
    private final Path trustStore;
    private final String password;

    private SelfSignedCertificate(Path keyStore, Path trustStore, String password) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.password = password;
    }

    /**
     * Writes {@code dir/localhost.p12} (key and certificate) and {@code dir/localhost-trust.p12}
     * (certificate only): an EC P-256 key, {@code CN=localhost}, subject alternative names
     * {@code DNS:localhost} and {@code IP:127.0.0.1}, valid for {@value #VALIDITY_DAYS} days.
     *
     * @throws IllegalStateException if keytool is missing or fails (with its output), or {@code dir} holds a key store already
     */
    public static SelfSignedCertificate generate(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path keyStore = dir.resolve(ALIAS + ".p12");
        Path trustStore = dir.resolve(ALIAS + "-trust.p12");
        String password = randomPassword();
        try {
            Files.createDirectories(dir);
            runKeytool(keyStore, password);
            writeTrustStore(keyStore, trustStore, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a self-signed certificate into " + dir.toAbsolutePath(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read back the key store keytool wrote at " + keyStore.toAbsolutePath(), e);
        }
        return new SelfSignedCertificate(keyStore, trustStore, password);
    }

    /** The PKCS12 key store holding the private key and the certificate, under {@link #ALIAS}. */
    public Path keyStore() {
        return keyStore;
    }

    /** The PKCS12 trust store holding the certificate alone. */
    public Path trustStore() {
        return trustStore;
    }

    /** The password of both stores and of the key. */
    public String password() {
        return password;
    }

    /** {@link #keyStore()}, loaded. */
    public KeyStore loadKeyStore() {
        return load(keyStore, password);
    }

    /** A client TLS context that trusts this certificate and nothing else (for the JDK's HTTP client). */
    public SSLContext trustingContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(trustStore, password));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context trusting " + trustStore.toAbsolutePath(), e);
        }
    }

    /** The two files; never the password. */
    @Override
    public String toString() {
        return "SelfSignedCertificate(keyStore=" + keyStore + ", trustStore=" + trustStore + ")";
    }

    private static void runKeytool(Path keyStore, String password) throws IOException {
        if (Files.exists(keyStore)) {
            // keytool would add to it or fail on the alias; a certificate is always made fresh.
            throw new IllegalStateException(keyStore.toAbsolutePath() + " exists already; expected a directory without one");
        }
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException("no keytool at " + keytool + "; expected a JDK or JRE that ships it");
        }
        ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", Integer.toString(VALIDITY_DAYS),
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", STORE_TYPE,
                "-keystore", keyStore.toString(), "-storepass:env", PASSWORD_VARIABLE)
                .redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, password);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while keytool made " + keyStore, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed with exit code " + process.exitValue() + " making "
                    + keyStore.toAbsolutePath() + ": " + output);
        }
    }

    private static void writeTrustStore(Path keyStore, Path trustStore, String password)
            throws IOException, GeneralSecurityException {
        Certificate certificate = load(keyStore, password).getCertificate(ALIAS);
        KeyStore trust = KeyStore.getInstance(STORE_TYPE);
        trust.load(null, null);
        trust.setCertificateEntry(ALIAS, certificate);
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, password.toCharArray());
        }
    }

    private static KeyStore load(Path path, String password) {
        try {
            return KeyStore.getInstance(path.toFile(), password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + path.toAbsolutePath(), e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
