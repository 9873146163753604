package io.d2vstreams.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.ScramMechanism;

/**
 * A {@code SASL_SSL} client listener for an {@link EmbeddedKafkaBroker}: TLS with the server's key from a
 * key store, and clients authenticated by SCRAM (RFC 5802, Kafka's {@code SCRAM-SHA-256} and
 * {@code SCRAM-SHA-512}) as one of a fixed set of users. Set it with {@link BrokerOptions.Builder#saslSsl}.
 *
 * <p>The broker creates each user's SCRAM credentials for every mechanism here on each start (and deletes
 * SCRAM credentials of users no longer listed), so the users given are exactly those who can connect.
 * No authorizer runs: an authenticated user may do everything (create topics, use transactions and
 * consumer groups, as Kafka Streams needs). The listener does not ask clients for certificates.
 *
 * <p>A client connects with {@code security.protocol=SASL_SSL}, {@code sasl.mechanism=SCRAM-SHA-512},
 * {@code sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="..."
 * password="...";} and a trust store holding the certificate ({@code ssl.truststore.location} and
 * {@code .password}; {@link SelfSignedCertificate#trustStore()} is one). The certificate's subject
 * alternative names must cover the broker's host, since clients check it.
 *
 * <p>Loaded at {@link Builder#build()}, so a wrong path or password fails before anything starts;
 * {@link #toString()} names the key store and the users, never a password.
 */
public final class SaslSslListener {

    private final Path keyStore;
    private final String keyStorePassword;
    private final String keyStoreType;
    private final String certificatesPem;
    private final Map<String, String> passwordsByUser;
    private final Set<ScramMechanism> mechanisms;

    private SaslSslListener(Path keyStore, String keyStorePassword, String keyStoreType, String certificatesPem,
                            Map<String, String> passwordsByUser, Set<ScramMechanism> mechanisms) {
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.keyStoreType = keyStoreType;
        this.certificatesPem = certificatesPem;
        this.passwordsByUser = passwordsByUser;
        this.mechanisms = mechanisms;
    }

    /**
     * @param keyStore         a PKCS12 or JKS key store with the server's key and certificate chain
     * @param keyStorePassword its password, also that of the key in it (what {@code keytool -genkeypair} makes)
     */
    public static Builder builder(Path keyStore, String keyStorePassword) {
        return new Builder(keyStore, keyStorePassword);
    }

    public Path keyStore() {
        return keyStore;
    }

    String keyStorePassword() {
        return keyStorePassword;
    }

    /** {@code PKCS12} or {@code JKS}, as the JDK found the file to be (Kafka's setting defaults to JKS). */
    public String keyStoreType() {
        return keyStoreType;
    }

    /**
     * The key's certificate chain in PEM, for a client that trusts exactly this broker (the broker's own
     * start-up check uses it with {@code ssl.truststore.type=PEM}).
     */
    public String certificatesPem() {
        return certificatesPem;
    }

    /** The users' names, sorted. */
    public Set<String> users() {
        return passwordsByUser.keySet();
    }

    Map<String, String> passwordsByUser() {
        return passwordsByUser;
    }

    /** The SASL mechanisms the listener offers; every user has credentials for each. */
    public Set<ScramMechanism> mechanisms() {
        return mechanisms;
    }

    @Override
    public String toString() {
        return "sasl_ssl(keyStore=" + keyStore + ", mechanisms=" + mechanismNames() + ", users=" + users() + ")";
    }

    /** Kafka's names of {@link #mechanisms()}, strongest first: {@code SCRAM-SHA-512, SCRAM-SHA-256}. */
    public List<String> mechanismNames() {
        List<String> names = new ArrayList<>();
        for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_512, ScramMechanism.SCRAM_SHA_256)) {
            if (mechanisms.contains(mechanism)) {
                names.add(mechanism.mechanismName());
            }
        }
        return names;
    }

    /** Builder for {@link SaslSslListener}: at least one user; both SCRAM mechanisms unless told otherwise. */
    public static final class Builder {
        private final Path keyStore;
        private final String keyStorePassword;
        private final Map<String, String> passwordsByUser = new LinkedHashMap<>();
        private final Set<ScramMechanism> mechanisms = EnumSet.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512);

        private Builder(Path keyStore, String keyStorePassword) {
            this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.keyStorePassword = Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        }

        /** A SCRAM user; a second call with the same name replaces its password. */
        public Builder user(String name, String password) {
            passwordsByUser.put(name, password);
            return this;
        }

        public Builder users(Map<String, String> more) {
            more.forEach(this::user);
            return this;
        }

        /** Offer only these mechanisms (by default both {@code SCRAM-SHA-512} and {@code SCRAM-SHA-256}). */
        public Builder mechanisms(ScramMechanism... only) {
            mechanisms.clear();
            for (ScramMechanism mechanism : only) {
                if (mechanism == null || mechanism == ScramMechanism.UNKNOWN) {
                    throw new IllegalArgumentException("SCRAM mechanism " + mechanism
                            + " is not one Kafka offers; expected SCRAM_SHA_256 or SCRAM_SHA_512");
                }
                mechanisms.add(mechanism);
            }
            return this;
        }

        /**
         * @throws IllegalArgumentException naming what is unusable: the key store (missing, wrong password, no
         *                                  key), a user without a name or password, or no user or mechanism at all
         */
        public SaslSslListener build() {
            if (passwordsByUser.isEmpty()) {
                throw new IllegalArgumentException("a SASL_SSL listener needs at least one SCRAM user, else no client "
                        + "can authenticate; add one with user(name, password)");
            }
            if (mechanisms.isEmpty()) {
                throw new IllegalArgumentException("a SASL_SSL listener needs at least one SCRAM mechanism; "
                        + "expected SCRAM_SHA_256 and/or SCRAM_SHA_512");
            }
            Map<String, String> users = new TreeMap<>();
            passwordsByUser.forEach((user, password) -> {
                if (user == null || user.isBlank()) {
                    throw new IllegalArgumentException("SCRAM user name '" + user + "' must not be empty");
                }
                if (password == null || password.isEmpty()) {
                    throw new IllegalArgumentException("SCRAM user " + user + " has an empty password");
                }
                users.put(user, password);
            });
            KeyStore store = load(keyStore, keyStorePassword);
            return new SaslSslListener(keyStore, keyStorePassword, store.getType().toUpperCase(java.util.Locale.ROOT),
                    certificatesPem(store, keyStore, keyStorePassword), Collections.unmodifiableMap(users),
                    Collections.unmodifiableSet(EnumSet.copyOf(mechanisms)));
        }

        private static KeyStore load(Path keyStore, String password) {
            if (!Files.isReadable(keyStore)) {
                throw new IllegalArgumentException("broker key store " + keyStore.toAbsolutePath()
                        + " is not a readable file; expected a PKCS12 or JKS key store with the broker's key");
            }
            try {
                // getInstance(File, ...) probes the type, so a JKS file works as well as PKCS12.
                return KeyStore.getInstance(keyStore.toFile(), password.toCharArray());
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot load the broker key store " + keyStore.toAbsolutePath()
                        + " (wrong password, or not PKCS12/JKS?): " + e.getMessage(), e);
            }
        }

        /** The chain of the first key entry, in PEM; the store must hold a key the password unlocks. */
        private static String certificatesPem(KeyStore store, Path keyStore, String password) {
            try {
                for (String alias : Collections.list(store.aliases())) {
                    if (!store.isKeyEntry(alias)) {
                        continue;
                    }
                    // Kafka unlocks the key with the store's password too (no ssl.key.password is set).
                    store.getKey(alias, password.toCharArray());
                    Certificate[] chain = store.getCertificateChain(alias);
                    if (chain == null || chain.length == 0) {
                        break;
                    }
                    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
                    StringBuilder pem = new StringBuilder();
                    for (Certificate certificate : chain) {
                        pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(certificate.getEncoded()))
                                .append("\n-----END CERTIFICATE-----\n");
                    }
                    return pem.toString();
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot use the key in broker key store " + keyStore.toAbsolutePath()
                        + " (a key password other than the store's?): " + e.getMessage(), e);
            }
            throw new IllegalArgumentException("broker key store " + keyStore.toAbsolutePath()
                    + " holds no private key with a certificate; expected the broker's key and certificate");
        }
    }
}
