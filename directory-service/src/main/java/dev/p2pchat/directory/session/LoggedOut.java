package dev.p2pchat.directory.session;

/**
 * Published, on the request's thread, when a user has logged out and the token is revoked.
 * Listeners run before the logout answers. {@code tokenHash} is the revoked token's stored hash,
 * so that what was opened with that token (signalling channels) can be closed too.
 */
public record LoggedOut(long accountId, String username, String tokenHash) {
}
