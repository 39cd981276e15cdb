package dev.p2pchat.directory.session;

/**
 * The caller of a 🔒 call, resolved from its bearer token. Declaring a controller parameter of
 * this type is what makes a call require authentication.
 */
public record AuthenticatedUser(long accountId, String username, String tokenHash) {
}
