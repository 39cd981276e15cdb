package dev.p2pchat.directory.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Bearer tokens: 256 random bits in base64url (43 characters); stored as lowercase hex SHA-256. */
final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");

    private Tokens() {
    }

    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean wellFormed(String token) {
        return token != null && FORMAT.matcher(token).matches();
    }

    /**
     * What identifies a token between instances (on the bus that tells them of a logout): a hash
     * of its stored hash, never the hash itself; also the key of the token cache.
     */
    static String revocationKey(String tokenHash) {
        return HexFormat.of().formatHex(sha256("p2pchat-signal:" + tokenHash), 0, 16);
    }

    static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String ascii) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(ascii.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
