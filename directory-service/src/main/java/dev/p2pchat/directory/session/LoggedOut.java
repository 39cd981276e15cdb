package dev.p2pchat.directory.session;

/**
 * Published, on the request's thread, when a user has logged out and the token is revoked.
 * Listeners run before the logout answers.
 */
public record LoggedOut(long accountId, String username) {
}
