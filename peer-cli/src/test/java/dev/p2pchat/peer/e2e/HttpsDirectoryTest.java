package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory over HTTPS with a private CA, used by the peer with --server-ca. */
class HttpsDirectoryTest {

    @TempDir
    static Path pki;

    private static Directory directory;

    @BeforeAll
    static void startWithATestCertificate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair caKeys = generator.generateKeyPair();
        KeyPair serverKeys = generator.generateKeyPair();
        X500Name caName = new X500Name("CN=p2pchat test CA");
        Instant now = Instant.now();
        X509Certificate ca = certificate(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), caName, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)), caKeys);
        X509Certificate server = certificate(new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=127.0.0.1"), serverKeys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")})),
                caKeys);
        pem(pki.resolve("ca.pem"), ca);
        pem(pki.resolve("server.pem"), server);
        pem(pki.resolve("server-key.pem"), new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate());

        directory = Directory.start("--spring.profiles.active=https",
                "--DIRECTORY_TLS_CERTIFICATE=" + pki.resolve("server.pem"),
                "--DIRECTORY_TLS_PRIVATE_KEY=" + pki.resolve("server-key.pem"));
    }

    @AfterAll
    static void stop() {
        if (directory != null) {
            directory.close();
        }
    }

    private static X509Certificate certificate(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static void pem(Path file, Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        Files.writeString(file, text.toString());
    }

    @Test
    void thePeerTalksToAnHttpsDirectoryItsCaIsGivenFor(@TempDir Path home) {
        assertThat(directory.url()).startsWith("https://");
        Peer alice = new Peer("alice", home, directory.url());

        Peer.Result registered = alice.run("alice password\n", "--server-ca", pki.resolve("ca.pem").toString(),
                "register", "-u", "alice", "--password-stdin");
        assertThat(registered.exit()).as(registered.err()).isZero();
        Peer.Result login = alice.run("alice password\n", "--server-ca", pki.resolve("ca.pem").toString(),
                "login", "-u", "alice", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        Peer.Result peers = alice.run("", "--server-ca", pki.resolve("ca.pem").toString(), "peers");
        assertThat(peers.exit()).as(peers.err()).isZero();
    }

    @Test
    void withoutTheCaTheConnectionIsRefusedWithAHint(@TempDir Path home) {
        Peer bob = new Peer("bob", home, directory.url());

        Peer.Result registered = bob.run("bob password\n", "register", "-u", "bob", "--password-stdin");

        assertThat(registered.exit()).isEqualTo(3);
        assertThat(registered.err()).startsWith("p2pchat: cannot make a secure connection to the directory at "
                + directory.url()).contains("--server-ca FILE");
    }
}
