package dev.p2pchat.peer.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * A peer's fingerprint: the SHA-256 of its certificate's DER SubjectPublicKeyInfo, as 64
 * lowercase hex characters. It names the key, not the certificate, so a renewed certificate
 * over the same key keeps the fingerprint.
 */
public final class Fingerprints {

    /** Length of a fingerprint in hex characters. */
    public static final int HEX_LENGTH = 64;

    private static final HexFormat HEX = HexFormat.of();

    private Fingerprints() {
    }

    public static String of(X509Certificate certificate) {
        return of(certificate.getPublicKey());
    }

    public static String of(PublicKey publicKey) {
        return HEX.formatHex(sha256(publicKey.getEncoded()));
    }

    /** True only for the canonical form: exactly 64 characters of {@code 0-9 a-f}. */
    public static boolean isValid(String fingerprint) {
        if (fingerprint == null || fingerprint.length() != HEX_LENGTH) {
            return false;
        }
        for (int i = 0; i < HEX_LENGTH; i++) {
            char c = fingerprint.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The canonical form of a fingerprint typed or pasted by a person: upper case, spaces and
     * colons are accepted ({@code "AB12 CD34 ..."}, {@code "ab:12:..."}).
     *
     * @throws IllegalArgumentException if what remains is not 64 hex characters
     */
    public static String normalize(String fingerprint) {
        StringBuilder canonical = new StringBuilder(HEX_LENGTH);
        for (int i = 0; i < fingerprint.length() && canonical.length() <= HEX_LENGTH; i++) {
            char c = fingerprint.charAt(i);
            if (c != ' ' && c != ':') {
                canonical.append(Character.toLowerCase(c));
            }
        }
        String result = canonical.toString();
        if (!isValid(result)) {
            throw new IllegalArgumentException("not a fingerprint: expected 64 hex characters");
        }
        return result;
    }

    /** For reading aloud or comparing by eye: {@code "ab12 cd34 ..."}, 16 groups of 4. */
    public static String pretty(String fingerprint) {
        if (!isValid(fingerprint)) {
            throw new IllegalArgumentException("not a fingerprint: expected 64 lowercase hex characters");
        }
        StringBuilder out = new StringBuilder(HEX_LENGTH + HEX_LENGTH / 4);
        for (int i = 0; i < HEX_LENGTH; i += 4) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(fingerprint, i, i + 4);
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
