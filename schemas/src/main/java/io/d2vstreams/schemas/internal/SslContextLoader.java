package io.d2vstreams.schemas.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/** Builds an {@link SSLContext} from trust and key store files, failing with the key that named a bad file. */
public final class SslContextLoader {

    /** A store file and the config key that named it (for the error message). */
    public record Store(String locationKey, String location, char[] password, String type) {
    }

    private SslContextLoader() {
    }

    /**
     * @param trust trust store, or null for the JDK default trust
     * @param key key store for client authentication, or null for none
     * @param keyPassword password of the private key, or null to use the key store's password
     */
    public static SSLContext load(Store trust, Store key, char[] keyPassword) {
        try {
            TrustManagerFactory tmf = null;
            if (trust != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(read(trust));
            }
            KeyManagerFactory kmf = null;
            if (key != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] password = keyPassword != null ? keyPassword : key.password();
                try {
                    kmf.init(read(key), password);
                } catch (GeneralSecurityException e) {
                    throw new ConfigException(key.locationKey(), key.location(),
                            "cannot read the private key (wrong key password?): " + e.getMessage());
                }
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore read(Store store) {
        Path path = Path.of(store.location());
        if (!Files.isReadable(path)) {
            throw new ConfigException(store.locationKey(), store.location(), "expected a readable " + store.type() + " file");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore keyStore = KeyStore.getInstance(store.type());
            keyStore.load(in, store.password());
            return keyStore;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(store.locationKey(), store.location(),
                    "cannot load it as a " + store.type() + " store (wrong type or password?): " + e.getMessage());
        }
    }
}
