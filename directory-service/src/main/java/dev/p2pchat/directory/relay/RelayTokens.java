package dev.p2pchat.directory.relay;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Relay tokens, stateless: base64url (no padding) of {@code version (1 byte) = 1 | expiresAt
 * (u64, epoch seconds) | id (16 random bytes) | HMAC-SHA256(secret, the 25 bytes before)}, 76
 * characters. Any directory instance sharing the secret mints them; any relay sharing it checks
 * them without asking anyone. The relay, not the token, makes them single use per role.
 */
public final class RelayTokens {

    /** How long a token may be used after it was minted. */
    public static final Duration LIFETIME = Duration.ofSeconds(30);
    public static final int MIN_SECRET_BYTES = 32;
    static final int VERSION = 1;
    static final int SIGNED_BYTES = 1 + 8 + 16;
    static final int TOKEN_BYTES = SIGNED_BYTES + 32;
    static final int TOKEN_CHARS = 76;
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{" + TOKEN_CHARS + "}");
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RelayTokens(byte[] secret, Clock clock) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the relay secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), HMAC);
        this.clock = clock;
    }

    /** A fresh random secret, for one process that both mints and checks. */
    public static byte[] newSecret() {
        byte[] secret = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** A token checked by {@link #verify}: its id (hex) and when it expires. */
    public record Verified(String id, Instant expiresAt) {
    }

    /** A new token, valid for {@link #LIFETIME}. */
    public String mint() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        long expiresAt = clock.instant().plus(LIFETIME).getEpochSecond();
        return encode(VERSION, expiresAt, id);
    }

    String encode(int version, long expiresAt, byte[] id) {
        ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES);
        token.put((byte) version).putLong(expiresAt).put(id);
        token.put(mac(Arrays.copyOf(token.array(), SIGNED_BYTES)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
    }

    /**
     * The token's id and expiry, or {@link RelayRefusal} {@code bad-token} (malformed, another
     * version or a wrong MAC: checked before anything else is believed) or {@code expired}.
     */
    public Verified verify(String token) throws RelayRefusal {
        if (token == null || !FORMAT.matcher(token).matches()) {
            throw new RelayRefusal(RelayRefusal.Reason.BAD_TOKEN);
        }
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        byte[] signed = Arrays.copyOf(bytes, SIGNED_BYTES);
        byte[] mac = Arrays.copyOfRange(bytes, SIGNED_BYTES, TOKEN_BYTES);
        if (!MessageDigest.isEqual(mac, mac(signed)) || bytes[0] != VERSION) {
            throw new RelayRefusal(RelayRefusal.Reason.BAD_TOKEN);
        }
        ByteBuffer fields = ByteBuffer.wrap(signed, 1, 24);
        long expiresAt = fields.getLong();
        byte[] id = new byte[16];
        fields.get(id);
        if (expiresAt <= clock.instant().getEpochSecond()) {
            throw new RelayRefusal(RelayRefusal.Reason.EXPIRED);
        }
        return new Verified(HexFormat.of().formatHex(id), Instant.ofEpochSecond(expiresAt));
    }

    private byte[] mac(byte[] signed) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
