package dev.p2pchat.directory.session;

/**
 * The caller of a 🔒 call, resolved from its bearer token. Declaring a controller parameter of
 * this type is what makes a call require authentication.
 */
public record AuthenticatedUser(long accountId, String username, String tokenHash) {

    /**
     * The request attribute under which code that checked the bearer token before the handler
     * ran (an interceptor) leaves the caller, so that the token is not checked twice.
     */
    public static final String REQUEST_ATTRIBUTE = AuthenticatedUser.class.getName();
}
