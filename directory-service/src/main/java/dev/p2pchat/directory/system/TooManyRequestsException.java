package dev.p2pchat.directory.system;

import java.time.Duration;

/** The caller's address has spent its budget of some kind of attempt; it may try again after {@code retryAfter}. */
public class TooManyRequestsException extends RuntimeException {

    private final Duration retryAfter;

    public TooManyRequestsException(String reason, Duration retryAfter) {
        super(reason, null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
