package dev.p2pchat.peer.keylog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The safety number of two parties (spec: issue 15), the same on both sides: for each party
 * d = SHA-512(0x00 0x00 || fingerprint (32 bytes) || username in lower case), then 5199 times
 * d = SHA-512(d || fingerprint); the first 30 bytes as six 5-byte big-endian numbers, each mod
 * 100000 as 5 digits. The smaller of the two 30-digit halves comes first: 60 digits, shown as
 * 12 groups of 5.
 */
public final class SafetyNumber {

    static final int ITERATIONS = 5199;

    private SafetyNumber() {
    }

    /** 60 digits, no spaces. Fingerprints are 64 lower-case hex characters. */
    public static String of(String userA, String fingerprintA, String userB, String fingerprintB) {
        String a = half(userA, fingerprintA);
        String b = half(userB, fingerprintB);
        return a.compareTo(b) <= 0 ? a + b : b + a;
    }

    /** {@code "12345 67890 ..."}: 12 groups of 5. */
    public static String grouped(String digits) {
        StringBuilder out = new StringBuilder(72);
        for (int i = 0; i < digits.length(); i += 5) {
            if (i > 0) {
                out.append(" ");
            }
            out.append(digits, i, Math.min(digits.length(), i + 5));
        }
        return out.toString();
    }

    static String half(String username, String fingerprint) {
        byte[] key = HexFormat.of().parseHex(fingerprint);
        if (key.length != 32) {
            throw new IllegalArgumentException("a fingerprint is 32 bytes");
        }
        MessageDigest sha = sha512();
        sha.update(new byte[] {0, 0});
        sha.update(key);
        sha.update(username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        byte[] d = sha.digest();
        for (int i = 0; i < ITERATIONS; i++) {
            sha.update(d);
            sha.update(key);
            d = sha.digest();
        }
        StringBuilder digits = new StringBuilder(30);
        for (int chunk = 0; chunk < 6; chunk++) {
            long value = 0;
            for (int i = 0; i < 5; i++) {
                value = value << 8 | (d[chunk * 5 + i] & 0xff);
            }
            digits.append(String.format(Locale.ROOT, "%05d", value % 100_000));
        }
        return digits.toString();
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this Java runtime", e);
        }
    }
}
