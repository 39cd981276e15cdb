package dev.p2pchat.directory.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Locale;

/** A registered user. Never leaves the service as is: responses are records. */
@Entity
@Table(name = "account")
public class Account {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 32)
    private String username;

    @Column(name = "username_key", nullable = false, length = 32, unique = true)
    private String usernameKey;

    @Column(name = "password_hash", nullable = false, length = 60)
    private String passwordHash;

    @Column(name = "failed_attempts", nullable = false)
    private int failedAttempts;

    @Column(name = "locked_until")
    private Instant lockedUntil;

    @Column(length = 64)
    private String fingerprint;

    @Column(name = "last_seen")
    private Instant lastSeen;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Account() {
    }

    public Account(String username, String passwordHash, Instant createdAt) {
        this.username = username;
        this.usernameKey = key(username);
        this.passwordHash = passwordHash;
        this.createdAt = createdAt;
    }

    /** The case-insensitive identity of a username: "Alice" and "alice" are one account. */
    public static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    public Long getId() {
        return id;
    }

    public String getUsername() {
        return username;
    }

    public String getUsernameKey() {
        return usernameKey;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public int getFailedAttempts() {
        return failedAttempts;
    }

    public Instant getLockedUntil() {
        return lockedUntil;
    }

    public String getFingerprint() {
        return fingerprint;
    }

    public Instant getLastSeen() {
        return lastSeen;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
