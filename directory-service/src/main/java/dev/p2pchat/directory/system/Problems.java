package dev.p2pchat.directory.system;

import java.net.URI;

/** The stable {@code type} URIs of the problem details this API answers with. */
public final class Problems {
    public static final URI INVALID_REQUEST = URI.create("/problems/invalid-request");
    public static final URI MALFORMED_JSON = URI.create("/problems/malformed-json");
    public static final URI PAYLOAD_TOO_LARGE = URI.create("/problems/payload-too-large");
    public static final URI UNAUTHORIZED = URI.create("/problems/unauthorized");
    public static final URI BAD_CREDENTIALS = URI.create("/problems/bad-credentials");
    public static final URI ACCOUNT_LOCKED = URI.create("/problems/account-locked");
    public static final URI USERNAME_TAKEN = URI.create("/problems/username-taken");
    public static final URI NO_SUCH_ACCOUNT = URI.create("/problems/no-such-account");
    public static final URI BUSY = URI.create("/problems/busy");
    public static final URI TOO_MANY_REQUESTS = URI.create("/problems/too-many-requests");
    public static final URI TOO_MANY_KEY_EVENTS = URI.create("/problems/too-many-key-events");
    public static final URI INVALID_LOG_RANGE = URI.create("/problems/invalid-log-range");
    public static final URI INVALID_ROTATION = URI.create("/problems/invalid-rotation");
    public static final URI KEY_UNCHANGED = URI.create("/problems/key-unchanged");

    private Problems() {
    }
}
