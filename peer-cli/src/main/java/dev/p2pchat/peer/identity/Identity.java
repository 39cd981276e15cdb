package dev.p2pchat.peer.identity;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * This peer's long-term EC P-256 key and its self-signed certificate, kept as PEM files in the
 * home folder. The key's fingerprint is what other peers pin, so an existing identity is never
 * replaced: a file that cannot be read is an error, not a reason to make a new one.
 */
public final class Identity {

    public static final String KEY_FILE = "identity.key";
    public static final String CERTIFICATE_FILE = "identity.crt";

    static final String SUBJECT = "CN=p2pchat peer";
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final String LOCK_FILE = ".identity.lock";
    private static final int MAX_PEM_BYTES = 64 * 1024;
    private static final int VALIDITY_YEARS = 20;

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final String fingerprint;

    private Identity(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.fingerprint = Fingerprints.of(certificate);
    }

    /**
     * Loads the identity from {@code home}, or creates it there on first use: the folder
     * owner-only ({@code 0700}), {@value #KEY_FILE} as a PKCS#8 PEM readable by the owner only
     * ({@code 0600}), {@value #CERTIFICATE_FILE} beside it. Two processes starting at once
     * on an empty home end up with the same identity.
     *
     * @throws IdentityException if the files exist but cannot be read or do not belong together,
     *                           or the home folder cannot be written
     */
    public static Identity loadOrCreate(Path home) throws IdentityException {
        Path keyFile = home.resolve(KEY_FILE);
        Path certificateFile = home.resolve(CERTIFICATE_FILE);
        // NOFOLLOW: a dangling link (key on an unmounted drive) must fail to load, not be replaced
        if (Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
            finishPromotion(home);
            return load(keyFile, certificateFile);
        }
        if (Files.exists(home) && !Files.isDirectory(home)) {
            throw new IdentityException("cannot create folder " + home + ": a file of that name is in the way");
        }
        try {
            SecureFiles.createPrivateDirectories(home);
        } catch (IOException e) {
            throw new IdentityException("cannot create folder " + home + ": " + reason(e), e);
        }
        try {
            return SecureFiles.withLock(home.resolve(LOCK_FILE), () ->
                    Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)
                            ? load(keyFile, certificateFile)
                            : create(keyFile, certificateFile));
        } catch (IdentityException e) {
            throw e;
        } catch (IOException e) {
            throw new IdentityException("cannot create identity in " + home + ": " + reason(e), e);
        }
    }

    /** Files of a new identity written before a rotation is sent, moved into place after it. */
    public static final String NEXT_KEY_FILE = "identity.next.key";
    public static final String NEXT_CERTIFICATE_FILE = "identity.next.crt";

    /**
     * A new EC P-256 identity written as the next one beside the current one ({@value #NEXT_KEY_FILE},
     * {@value #NEXT_CERTIFICATE_FILE}, owner-only): the current identity stays in use until
     * {@link #promoteNext}. A rotation writes it first and keeps it when the directory's answer is
     * lost, so that the key the directory may have taken is never thrown away.
     */
    public static Identity createNext(Path home) throws IdentityException {
        SecureRandom random = new SecureRandom();
        KeyPair keyPair;
        X509Certificate certificate;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            keyPair = generator.generateKeyPair();
            certificate = selfSign(keyPair, Instant.now(), random);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate an EC P-256 identity with this Java runtime", e);
        }
        write(home.resolve(NEXT_CERTIFICATE_FILE), pem(certificate), "certificate");
        write(home.resolve(NEXT_KEY_FILE), pem(keyPair.getPrivate()), "key");
        return new Identity(keyPair.getPrivate(), certificate);
    }

    /**
     * Makes the next identity the current one (certificate, then key: each an atomic rename),
     * only if it is the key {@code expectedFingerprint} (the one the directory took): another
     * rotation running at the same time may have replaced the next files.
     */
    public static Identity promoteNext(Path home, String expectedFingerprint) throws IdentityException {
        Identity next = load(home.resolve(NEXT_KEY_FILE), home.resolve(NEXT_CERTIFICATE_FILE));
        if (!next.fingerprint().equals(expectedFingerprint)) {
            throw new IdentityException("the next identity in " + home + " is " + next.fingerprint() + ", not "
                    + expectedFingerprint + " which the directory took: another rotate-key ran at the same time");
        }
        try {
            SecureFiles.withLock(home.resolve(LOCK_FILE), () -> {
                java.nio.file.Files.move(home.resolve(NEXT_CERTIFICATE_FILE), home.resolve(CERTIFICATE_FILE),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                java.nio.file.Files.move(home.resolve(NEXT_KEY_FILE), home.resolve(KEY_FILE),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return null;
            });
        } catch (IOException e) {
            throw new IdentityException("cannot move the new identity into place in " + home + ": " + reason(e)
                    + " (it is in " + NEXT_KEY_FILE + " and " + NEXT_CERTIFICATE_FILE + ")", e);
        }
        return next;
    }

    /**
     * A promotion cut short between its two renames (the certificate moved, the key not yet)
     * leaves the new certificate beside the old key: finish it, under the same lock.
     */
    private static void finishPromotion(Path home) throws IdentityException {
        Path nextKey = home.resolve(NEXT_KEY_FILE);
        if (!Files.exists(nextKey, LinkOption.NOFOLLOW_LINKS)
                || Files.exists(home.resolve(NEXT_CERTIFICATE_FILE), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            SecureFiles.withLock(home.resolve(LOCK_FILE), () -> {
                if (Files.exists(nextKey, LinkOption.NOFOLLOW_LINKS)
                        && !Files.exists(home.resolve(NEXT_CERTIFICATE_FILE), LinkOption.NOFOLLOW_LINKS)
                        && belongTogether(readKey(nextKey), readCertificate(home.resolve(CERTIFICATE_FILE)))) {
                    Files.move(nextKey, home.resolve(KEY_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                return null;
            });
        } catch (IOException e) {
            throw new IdentityException("cannot finish moving the new identity into place in " + home + ": "
                    + reason(e), e);
        }
    }

    /** The next identity a rotation left behind (written, maybe taken by the directory), if any. */
    public static java.util.Optional<Identity> pendingNext(Path home) throws IdentityException {
        if (!Files.exists(home.resolve(NEXT_KEY_FILE), LinkOption.NOFOLLOW_LINKS)
                || !Files.exists(home.resolve(NEXT_CERTIFICATE_FILE), LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(load(home.resolve(NEXT_KEY_FILE), home.resolve(NEXT_CERTIFICATE_FILE)));
        } catch (IdentityException halfWritten) {
            // a pair that does not load was never sent (a rotation sends only after writing both)
            discardNext(home);
            return java.util.Optional.empty();
        }
    }

    /** Drops a next identity the directory did not take. */
    public static void discardNext(Path home) {
        try {
            Files.deleteIfExists(home.resolve(NEXT_KEY_FILE));
            Files.deleteIfExists(home.resolve(NEXT_CERTIFICATE_FILE));
        } catch (IOException ignored) {
            // a leftover next identity is overwritten by the next rotation
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The SHA-256 of this peer's public key, 64 lowercase hex characters. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "Identity[" + fingerprint + "]";
    }

    private static Identity create(Path keyFile, Path certificateFile) throws IdentityException {
        SecureRandom random = new SecureRandom();
        KeyPair keyPair;
        X509Certificate certificate;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            keyPair = generator.generateKeyPair();
            certificate = selfSign(keyPair, Instant.now(), random);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate an EC P-256 identity with this Java runtime", e);
        }
        // the certificate first: an identity exists once its key file does
        write(certificateFile, pem(certificate), "certificate");
        write(keyFile, pem(keyPair.getPrivate()), "key");
        return new Identity(keyPair.getPrivate(), certificate);
    }

    static X509Certificate selfSign(KeyPair keyPair, Instant now, SecureRandom random)
            throws IOException, OperatorCreationException, GeneralSecurityException {
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        X500Name name = new X500Name(SUBJECT);
        Instant notBefore = now.minus(Duration.ofDays(1));
        Instant notAfter = now.atOffset(ZoneOffset.UTC).plusYears(VALIDITY_YEARS).toInstant();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                Date.from(notBefore), Date.from(notAfter), name, keyPair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        X509CertificateHolder holder = builder.build(
                new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keyPair.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static Identity load(Path keyFile, Path certificateFile) throws IdentityException {
        PrivateKey key = readKey(keyFile);
        X509Certificate certificate = readCertificate(certificateFile);
        if (!"EC".equals(key.getAlgorithm())) {
            throw new IdentityException("cannot read identity key " + keyFile + ": expected an EC key, found "
                    + key.getAlgorithm());
        }
        if (!belongTogether(key, certificate)) {
            throw new IdentityException("identity key " + keyFile + " and certificate " + certificateFile
                    + " do not belong together");
        }
        return new Identity(key, certificate);
    }

    private static PrivateKey readKey(Path file) throws IdentityException {
        String prefix = "cannot read identity key " + file + ": ";
        try (PEMParser parser = new PEMParser(readPem(file))) {
            Object object = parser.readObject();
            PrivateKeyInfo info;
            if (object instanceof PrivateKeyInfo pkcs8) {
                info = pkcs8;
            } else if (object instanceof PEMKeyPair sec1) {
                info = sec1.getPrivateKeyInfo();
            } else {
                throw new IdentityException(prefix + "no unencrypted PEM private key in it");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IdentityException e) {
            throw e;
        } catch (IOException | RuntimeException e) { // BouncyCastle reports bad base64 or DER as runtime exceptions
            throw new IdentityException(prefix + reason(e), e);
        }
    }

    private static X509Certificate readCertificate(Path file) throws IdentityException {
        String prefix = "cannot read identity certificate " + file + ": ";
        try (PEMParser parser = new PEMParser(readPem(file))) {
            if (!(parser.readObject() instanceof X509CertificateHolder holder)) {
                throw new IdentityException(prefix + "no PEM certificate in it");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (IdentityException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IdentityException(prefix + reason(e), e);
        }
    }

    private static Reader readPem(Path file) throws IOException {
        SecureFiles.Bounded content = SecureFiles.readBounded(file, MAX_PEM_BYTES);
        if (content.truncated()) {
            throw new IOException("larger than " + MAX_PEM_BYTES / 1024 + " KiB");
        }
        return new StringReader(new String(content.bytes(), StandardCharsets.US_ASCII));
    }

    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            // JcaPKCS8Generator: written as is, an EC key would become SEC1 "EC PRIVATE KEY"
            writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + object.getClass().getSimpleName() + " as PEM", e);
        }
        return out.toString();
    }

    private static void write(Path file, String pem, String what) throws IdentityException {
        try {
            SecureFiles.writeAtomically(file, pem.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IdentityException("cannot write identity " + what + " " + file + ": " + reason(e), e);
        }
    }

    static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
