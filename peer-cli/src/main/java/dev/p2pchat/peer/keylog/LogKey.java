package dev.p2pchat.peer.keylog;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The directory's Ed25519 log key, which signs every tree head. Its fingerprint is the
 * lower-case hex SHA-256 of its SubjectPublicKeyInfo DER, as for peer keys.
 */
public final class LogKey {

    private final PublicKey key;
    private final byte[] encoded;
    private final String fingerprint;

    private LogKey(PublicKey key, byte[] encoded) {
        this.key = key;
        this.encoded = encoded.clone();
        this.fingerprint = Merkle.HEX.formatHex(Merkle.sha256().digest(encoded));
    }

    /** An Ed25519 SubjectPublicKeyInfo (DER), as served at the well-known address. */
    public static LogKey of(byte[] subjectPublicKeyInfo) throws KeyLogException {
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
            // a DER that decodes to a key but is not its canonical encoding would give another fingerprint
            if (!MessageDigest.isEqual(key.getEncoded(), subjectPublicKeyInfo)) {
                throw new KeyLogException("key log: the directory's log key is not a canonical Ed25519 key");
            }
            return new LogKey(key, subjectPublicKeyInfo);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyLogException("key log: the directory's log key is not an Ed25519 public key");
        }
    }

    public String fingerprint() {
        return fingerprint;
    }

    public String encodedBase64() {
        return Base64.getEncoder().encodeToString(encoded);
    }

    /** Whether {@code head} carries a valid signature by this key. */
    public boolean signed(Head head) {
        try {
            byte[] signature = Base64.getDecoder().decode(head.signature());
            if (signature.length != 64) {
                return false;
            }
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(head.signedBytes());
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
