package dev.p2pchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {

    @TempDir
    Path temp;

    @Test
    void firstUseCreatesOwnerOnlyHomeAndFiles() throws Exception {
        Path home = temp.resolve("nested").resolve(".p2pchat");
        Identity identity = Identity.loadOrCreate(home);

        Path key = home.resolve(Identity.KEY_FILE);
        Path certificate = home.resolve(Identity.CERTIFICATE_FILE);
        assertThat(key).isRegularFile();
        assertThat(certificate).isRegularFile();
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(certificate)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(identity.privateKey()).isInstanceOf(ECPrivateKey.class);
        assertThat(identity.toString()).doesNotContain("PRIVATE").contains(identity.fingerprint());

        assumeTrue(SecureFiles.isPosix(home), "POSIX permissions");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        try (var leftovers = Files.list(home)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void certificateIsSelfSignedEndEntityForTwentyYears() throws Exception {
        X509Certificate certificate = Identity.loadOrCreate(temp).certificate();

        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=p2pchat peer");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate.getCriticalExtensionOIDs()).contains("2.5.29.19");
        assertThat(certificate.getSerialNumber()).isPositive();
        assertThat(certificate.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
        Instant now = Instant.now();
        assertThat(certificate.getNotBefore().toInstant()).isBetween(now.minus(Duration.ofDays(1)).minusSeconds(60),
                now.minus(Duration.ofDays(1)).plusSeconds(60));
        assertThat(ChronoUnit.DAYS.between(now, certificate.getNotAfter().toInstant())).isBetween(7300L, 7306L);
        certificate.checkValidity();
    }

    @Test
    void reloadGivesTheSameIdentity() throws Exception {
        Identity first = Identity.loadOrCreate(temp);
        String keyPem = Files.readString(temp.resolve(Identity.KEY_FILE));

        Identity second = Identity.loadOrCreate(temp);

        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(second.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(Files.readString(temp.resolve(Identity.KEY_FILE))).isEqualTo(keyPem);
    }

    @Test
    void twoHomesGiveTwoIdentities() throws Exception {
        assertThat(Identity.loadOrCreate(temp.resolve("a")).fingerprint())
                .isNotEqualTo(Identity.loadOrCreate(temp.resolve("b")).fingerprint());
    }

    @Test
    void fingerprintIsSha256OfSubjectPublicKeyInfo() throws Exception {
        Identity identity = Identity.loadOrCreate(temp);

        byte[] spki = identity.certificate().getPublicKey().getEncoded();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
        assertThat(identity.fingerprint()).isEqualTo(expected).matches("[0-9a-f]{64}");
        assertThat(Fingerprints.of(identity.certificate())).isEqualTo(expected);
    }

    @Test
    void corruptKeyIsAnErrorAndIsNotOverwritten() throws Exception {
        Identity.loadOrCreate(temp);
        Path key = temp.resolve(Identity.KEY_FILE);
        String garbage = "-----BEGIN PRIVATE KEY-----\nthis is not base64 !!!\n-----END PRIVATE KEY-----\n";
        Files.writeString(key, garbage);

        assertThatThrownBy(() -> Identity.loadOrCreate(temp))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("cannot read identity key " + key + ": ");
        assertThat(Files.readString(key)).isEqualTo(garbage);
    }

    @Test
    void binaryOrEmptyKeyIsAnError() throws Exception {
        Identity.loadOrCreate(temp);
        Path key = temp.resolve(Identity.KEY_FILE);
        for (byte[] content : List.of(new byte[0], new byte[] {0, (byte) 0xff, 0x1b, '[', '2', 'J'})) {
            Files.write(key, content);
            assertThatThrownBy(() -> Identity.loadOrCreate(temp))
                    .isInstanceOf(IdentityException.class)
                    .hasMessage("cannot read identity key " + key + ": no unencrypted PEM private key in it");
            assertThat(Files.readAllBytes(key)).isEqualTo(content);
        }
    }

    @Test
    void corruptOrMissingCertificateIsAnError() throws Exception {
        Identity.loadOrCreate(temp);
        Path certificate = temp.resolve(Identity.CERTIFICATE_FILE);
        Files.writeString(certificate, "garbage");
        assertThatThrownBy(() -> Identity.loadOrCreate(temp))
                .isInstanceOf(IdentityException.class)
                .hasMessage("cannot read identity certificate " + certificate + ": no PEM certificate in it");

        Files.delete(certificate);
        assertThatThrownBy(() -> Identity.loadOrCreate(temp))
                .isInstanceOf(IdentityException.class)
                .hasMessage("cannot read identity certificate " + certificate + ": no such file");
        assertThat(certificate).doesNotExist();
    }

    @Test
    void keyAndCertificateOfDifferentIdentitiesAreRefused() throws Exception {
        Identity.loadOrCreate(temp.resolve("a"));
        Identity.loadOrCreate(temp.resolve("b"));
        Files.copy(temp.resolve("b").resolve(Identity.CERTIFICATE_FILE), temp.resolve("a").resolve(Identity.CERTIFICATE_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> Identity.loadOrCreate(temp.resolve("a")))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("do not belong together");
    }

    @Test
    void oversizedKeyFileIsRefusedWithoutReadingItAll() throws Exception {
        Identity.loadOrCreate(temp);
        Path key = temp.resolve(Identity.KEY_FILE);
        Files.write(key, new byte[1024 * 1024]);

        assertThatThrownBy(() -> Identity.loadOrCreate(temp))
                .isInstanceOf(IdentityException.class)
                .hasMessage("cannot read identity key " + key + ": larger than 64 KiB");
    }

    @Test
    void homeThatIsAFileIsAClearError() throws Exception {
        Path home = Files.createFile(temp.resolve("home"));
        assertThatThrownBy(() -> Identity.loadOrCreate(home))
                .isInstanceOf(IdentityException.class)
                .hasMessage("cannot create folder " + home + ": a file of that name is in the way");
    }

    @Test
    void danglingKeyLinkIsAnErrorNotANewIdentity() throws Exception {
        Path key = temp.resolve(Identity.KEY_FILE);
        try {
            Files.createSymbolicLink(key, temp.resolve("unmounted").resolve("identity.key"));
        } catch (UnsupportedOperationException | java.io.IOException e) {
            assumeTrue(false, "symbolic links: " + e);
        }

        assertThatThrownBy(() -> Identity.loadOrCreate(temp)).isInstanceOf(IdentityException.class);
        assertThat(temp.resolve(Identity.CERTIFICATE_FILE)).doesNotExist();
    }

    @Test
    void concurrentFirstUseCreatesOneIdentity() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return Identity.loadOrCreate(temp).fingerprint();
                }));
            }
            start.countDown();
            Set<String> fingerprints = ConcurrentHashMap.newKeySet();
            for (Future<String> result : results) {
                fingerprints.add(result.get());
            }
            assertThat(fingerprints).containsExactly(Identity.loadOrCreate(temp).fingerprint());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void selfSignedSerialIsPositive() throws Exception {
        // a random that yields zero first must not produce serial 0
        var random = new java.security.SecureRandom() {
            private int calls;

            @Override
            public void nextBytes(byte[] bytes) {
                if (calls++ == 0) {
                    java.util.Arrays.fill(bytes, (byte) 0);
                } else {
                    super.nextBytes(bytes);
                }
            }
        };
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        X509Certificate certificate = Identity.selfSign(generator.generateKeyPair(), Instant.now(), random);
        assertThat(certificate.getSerialNumber()).isGreaterThan(BigInteger.ZERO);
    }
}
