package dev.p2pchat.directory.session;

import java.time.Instant;

/** A token that has not expired, and its user. */
public record ValidToken(long accountId, String username, String tokenHash, Instant expiresAt) {

    public AuthenticatedUser user() {
        return new AuthenticatedUser(accountId, username, tokenHash);
    }
}
