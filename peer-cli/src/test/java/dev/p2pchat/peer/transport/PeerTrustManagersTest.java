package dev.p2pchat.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.identity.Fingerprints;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class PeerTrustManagersTest {

    private static final Instant NOW = Instant.now();

    private final KeyPair peer = keyPair();
    private final KeyPair other = keyPair();

    @Test
    void pinnedAcceptsTheExpectedKeyOnly() throws Exception {
        X509Certificate good = certificate(peer, peer, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        PeerTrustManagers.Pinned pinned = new PeerTrustManagers.Pinned(Fingerprints.of(good));
        assertThatCode(() -> pinned.checkServerTrusted(new X509Certificate[] {good}, "EC")).doesNotThrowAnyException();
        assertThat(pinned.mismatch()).isNull();

        X509Certificate impostor = certificate(other, other, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        assertThatThrownBy(() -> pinned.checkServerTrusted(new X509Certificate[] {impostor}, "EC"))
                .isInstanceOf(CertificateException.class);
        assertThat(pinned.mismatch()).isEqualTo(Fingerprints.of(impostor));
        assertThatThrownBy(() -> pinned.checkClientTrusted(new X509Certificate[] {good}, "EC"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void thePinnedKeyStillNeedsAValidSingleSelfSignedCertificate() throws Exception {
        X509Certificate expired = certificate(peer, peer, NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)));
        X509Certificate future = certificate(peer, peer, NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
        X509Certificate signedByOther = certificate(peer, other, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        X509Certificate good = certificate(peer, peer, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        String pin = Fingerprints.of(good);

        assertRefused(pin, new X509Certificate[] {expired}, "the peer's certificate expired on ");
        assertRefused(pin, new X509Certificate[] {future}, "the peer's certificate is not valid before ");
        assertRefused(pin, new X509Certificate[] {signedByOther}, "the peer's certificate is not self-signed");
        assertRefused(pin, new X509Certificate[] {good, good}, "the peer must present exactly one certificate, not 2");
        assertRefused(pin, new X509Certificate[0], "the peer must present exactly one certificate, not 0");
    }

    @Test
    void listenerAcceptsAnyValidSelfSignedClient() throws Exception {
        PeerTrustManagers.AnySelfSigned any = new PeerTrustManagers.AnySelfSigned();
        X509Certificate good = certificate(other, other, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        X509Certificate expired = certificate(peer, peer, NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)));

        assertThatCode(() -> any.checkClientTrusted(new X509Certificate[] {good}, "EC")).doesNotThrowAnyException();
        assertThatThrownBy(() -> any.checkClientTrusted(new X509Certificate[] {expired}, "EC"))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> any.checkClientTrusted(new X509Certificate[] {good, good}, "EC"))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> any.checkServerTrusted(new X509Certificate[] {good}, "EC"))
                .isInstanceOf(CertificateException.class);
        assertThat(any.getAcceptedIssuers()).isEmpty();
    }

    private static void assertRefused(String pin, X509Certificate[] chain, String reason) {
        PeerTrustManagers.Pinned pinned = new PeerTrustManagers.Pinned(pin);
        assertThatThrownBy(() -> pinned.checkServerTrusted(chain, "EC"))
                .isInstanceOf(CertificateException.class)
                .hasMessageStartingWith(reason);
        assertThat(pinned.failure()).startsWith(reason);
        assertThat(pinned.mismatch()).isNull();
    }

    private static X509Certificate certificate(KeyPair subject, KeyPair signer, Instant notBefore, Instant notAfter)
            throws Exception {
        X500Name name = new X500Name("CN=p2pchat peer");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(notBefore), Date.from(notAfter),
                name, subject.getPublic());
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
