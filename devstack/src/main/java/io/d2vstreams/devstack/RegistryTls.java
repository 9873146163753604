package io.d2vstreams.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS for an {@link EmbeddedSchemaRegistry}: the server's key and certificate, from a key store
 * file (PKCS12 or JKS, told apart by the JDK). Clients trust the certificate with a trust store
 * ({@code schema.registry.ssl.truststore.location} / {@code .password}); its subject alternative
 * names must cover the host the registry's URL names ({@code localhost} by default).
 */
public final class RegistryTls {

    private final Path keyStore;
    private final SSLContext context;

    private RegistryTls(Path keyStore, SSLContext context) {
        this.keyStore = keyStore;
        this.context = context;
    }

    /**
     * Loads the key store now, so a wrong path or password fails before anything starts.
     *
     * @param password of the key store and of the key in it (what {@code keytool -genkeypair} makes)
     * @throws IllegalArgumentException naming the file and what was wrong with it
     */
    public static RegistryTls fromKeyStore(Path keyStore, char[] password) {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(password, "password");
        if (!Files.isReadable(keyStore)) {
            throw new IllegalArgumentException("registry key store " + keyStore.toAbsolutePath()
                    + " is not a readable file; expected a PKCS12 or JKS key store with the server's key");
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(keyStore.toFile(), password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the registry key store " + keyStore.toAbsolutePath()
                    + " (wrong password, or not PKCS12/JKS?): " + e.getMessage(), e);
        }
        try {
            if (!hasKey(store)) {
                throw new IllegalArgumentException("registry key store " + keyStore.toAbsolutePath()
                        + " holds no private key; expected the server's key and certificate");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new RegistryTls(keyStore, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the key in the registry key store " + keyStore.toAbsolutePath()
                    + " (a key password other than the store's?): " + e.getMessage(), e);
        }
    }

    private static boolean hasKey(KeyStore store) throws GeneralSecurityException {
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    public Path keyStore() {
        return keyStore;
    }

    SSLContext context() {
        return context;
    }

    @Override
    public String toString() {
        return "tls(keyStore=" + keyStore + ")";
    }
}
