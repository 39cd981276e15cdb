package dev.p2pchat.peer.keylog;

import dev.p2pchat.peer.identity.Fingerprints;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * A rotation: the new key, signed by the old one (ECDSA P-256, {@code SHA256withECDSA}) over
 * {@code "p2pchat-key-rotation/1\n" + username + "\n" + previous + "\n" + fingerprint + "\n"},
 * with the old self-signed certificate, whose key's fingerprint must be {@code previous}. Anyone
 * can check it from the entry alone.
 */
public final class Rotation {

    static final String ALGORITHM = "SHA256withECDSA";

    private Rotation() {
    }

    public static byte[] payload(String username, String previous, String fingerprint) {
        return ("p2pchat-key-rotation/1\n" + username + "\n" + previous + "\n" + fingerprint + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The base64 signature of a rotation by the old key. */
    public static String sign(PrivateKey oldKey, String username, String previous, String fingerprint) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(oldKey);
            signer.update(payload(username, previous, fingerprint));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the identity key: " + e.getMessage(), e);
        }
    }

    /** Whether a {@code rotation} entry is signed by the key it replaces. */
    public static boolean valid(Entry entry) {
        if (entry.kind() != Entry.Kind.ROTATION || entry.certificate() == null || entry.signature() == null
                || entry.previous() == null) {
            return false;
        }
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(entry.certificate())));
            if (!Fingerprints.of(certificate).equals(entry.previous())
                    || !"EC".equals(certificate.getPublicKey().getAlgorithm())) {
                return false;
            }
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(payload(entry.username(), entry.previous(), entry.fingerprint()));
            return verifier.verify(Base64.getDecoder().decode(entry.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }
}
