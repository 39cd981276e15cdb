package dev.p2pchat.directory.presence;

import java.time.Instant;

/**
 * Where an online peer listens, as a {@link PresenceStore} keeps it: soft state, worthless a
 * minute later. An entry whose {@code expiresAt} has passed is offline. {@code addresses} is the
 * listener's own addresses as {@link LocalAddresses} encodes them, or null.
 */
public record Presence(long accountId, String username, String usernameKey, String host, int port,
                       String addresses, Instant updatedAt, Instant expiresAt) {

    public boolean onlineAt(Instant now) {
        return expiresAt.isAfter(now);
    }
}
