package dev.p2pchat.directory.keylog;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The directory's Ed25519 log key, which signs tree heads. The first instance to need it
 * generates it and stores it in the database (table {@code key_log_key}), so every instance on
 * one database signs with the same key; when two start at once, the one whose insert lands
 * first wins and the other reads it back. Its fingerprint (SHA-256 of the SubjectPublicKeyInfo
 * DER, lowercase hex) is logged at start-up and served at {@code /.well-known/p2pchat-log-key}.
 */
@Component
class LogKey {

    private static final Logger log = LoggerFactory.getLogger(LogKey.class);

    /** The key in use; its public half as SubjectPublicKeyInfo DER. */
    record Loaded(PrivateKey privateKey, byte[] publicKey, String fingerprint) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private volatile Loaded loaded;

    LogKey(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void announce() {
        log.info("Key log signing key: Ed25519, fingerprint {}", key().fingerprint());
    }

    Loaded key() {
        Loaded key = loaded;
        if (key == null) {
            synchronized (this) {
                key = loaded;
                if (key == null) {
                    key = load();
                    loaded = key;
                }
            }
        }
        return key;
    }

    byte[] sign(byte[] message) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(key().privateKey());
            ed25519.update(message);
            return ed25519.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the log key", e);
        }
    }

    private Loaded load() {
        Optional<Loaded> stored = read();
        if (stored.isPresent()) {
            return stored.get();
        }
        KeyPair pair = generate();
        Base64.Encoder base64 = Base64.getEncoder();
        try {
            jdbc.sql("INSERT INTO key_log_key (id, private_key, public_key, created_at) VALUES (1, ?, ?, ?)")
                    .params(base64.encodeToString(pair.getPrivate().getEncoded()),
                            base64.encodeToString(pair.getPublic().getEncoded()),
                            OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                    .update();
            log.info("Generated the key log signing key (kept in the database, table key_log_key)");
        } catch (DataIntegrityViolationException raced) {
            // another instance stored its key first: use that one
        }
        return read().orElseThrow(() -> new IllegalStateException("the log key vanished after it was stored"));
    }

    private Optional<Loaded> read() {
        return jdbc.sql("SELECT private_key, public_key FROM key_log_key WHERE id = 1")
                .query((rs, row) -> decode(rs.getString("private_key"), rs.getString("public_key")))
                .optional();
    }

    private static Loaded decode(String privateKey, String publicKey) {
        try {
            Base64.Decoder base64 = Base64.getDecoder();
            PrivateKey key = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(base64.decode(privateKey)));
            byte[] spki = base64.decode(publicKey);
            return new Loaded(key, spki, fingerprint(spki));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the stored log key (table key_log_key) is not a valid Ed25519 key", e);
        }
    }

    static String fingerprint(byte[] spki) {
        return HexFormat.of().formatHex(MerkleTree.sha256().digest(spki));
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JVM", e);
        }
    }
}
