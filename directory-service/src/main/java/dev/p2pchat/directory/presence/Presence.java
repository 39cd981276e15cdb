package dev.p2pchat.directory.presence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Where an online peer listens. A row whose {@code expiresAt} has passed is offline. */
@Entity
@Table(name = "presence")
public class Presence {

    @Id
    @Column(name = "account_id")
    private Long accountId;

    @Column(nullable = false, length = 32)
    private String username;

    @Column(name = "username_key", nullable = false, length = 32)
    private String usernameKey;

    @Column(nullable = false)
    private String host;

    @Column(nullable = false)
    private int port;

    /** The listener's own addresses ({@link LocalAddresses}), or null. */
    @Column(length = 512)
    private String addresses;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    protected Presence() {
    }

    public Presence(long accountId, String username, String usernameKey, String host, int port, String addresses,
                    Instant updatedAt, Instant expiresAt) {
        this.accountId = accountId;
        this.username = username;
        this.usernameKey = usernameKey;
        this.host = host;
        this.port = port;
        this.addresses = addresses;
        this.updatedAt = updatedAt;
        this.expiresAt = expiresAt;
    }

    public Long getAccountId() {
        return accountId;
    }

    public String getUsername() {
        return username;
    }

    public String getUsernameKey() {
        return usernameKey;
    }

    public String getHost() {
        return host;
    }

    public int getPort() {
        return port;
    }

    public String getAddresses() {
        return addresses;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }
}
