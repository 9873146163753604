package io.d2vstreams.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SelfSignedCertificate")
class SelfSignedCertificateTest {

    @Test
    @DisplayName("makes a key store with the key and a localhost certificate, and a trust store with the certificate alone")
    void keyStoreAndTrustStore(@TempDir Path dir) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(dir);

        KeyStore keys = certificate.loadKeyStore();
        assertThat(keys.isKeyEntry(SelfSignedCertificate.ALIAS)).as("key entry %s in %s", SelfSignedCertificate.ALIAS,
                certificate.keyStore()).isTrue();
        X509Certificate x509 = (X509Certificate) keys.getCertificate(SelfSignedCertificate.ALIAS);
        x509.checkValidity();
        assertThat(x509.getSubjectX500Principal().getName()).as("subject").isEqualTo("CN=localhost");
        assertThat(x509.getSubjectAlternativeNames()).as("subject alternative names (type, value)")
                .extracting(name -> (Object) name.get(1)).containsExactlyInAnyOrder("localhost", "127.0.0.1");

        KeyStore trust = KeyStore.getInstance(certificate.trustStore().toFile(), certificate.password().toCharArray());
        List<String> aliases = Collections.list(trust.aliases());
        assertThat(aliases).as("entries of the trust store").containsExactly(SelfSignedCertificate.ALIAS);
        assertThat(trust.isCertificateEntry(SelfSignedCertificate.ALIAS)).as("a certificate entry, no key").isTrue();
        assertThat(trust.getCertificate(SelfSignedCertificate.ALIAS)).as("the trusted certificate").isEqualTo(x509);
        assertThat(certificate.trustingContext().getProtocol()).as("a TLS context trusting it").isEqualTo("TLS");
    }

    @Test
    @DisplayName("each certificate has its own random password, and toString never shows it")
    void passwordIsRandomAndHidden(@TempDir Path dir) {
        SelfSignedCertificate one = SelfSignedCertificate.generate(dir.resolve("one"));
        SelfSignedCertificate two = SelfSignedCertificate.generate(dir.resolve("two"));

        assertThat(one.password()).as("password of the first").hasSizeGreaterThanOrEqualTo(20).isNotEqualTo(two.password());
        assertThat(one.toString()).as("toString").contains(one.keyStore().toString()).doesNotContain(one.password());
    }

    @Test
    @DisplayName("refuses a directory that already holds a key store, naming it")
    void refusesToOverwrite(@TempDir Path dir) {
        SelfSignedCertificate first = SelfSignedCertificate.generate(dir);

        assertThatThrownBy(() -> SelfSignedCertificate.generate(dir)).as("a second certificate in the same directory")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(first.keyStore().toString());
    }
}
