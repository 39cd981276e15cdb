package dev.p2pchat.directory.keylog;

import dev.p2pchat.directory.system.TooManyRequestsException;
import java.time.Duration;

/**
 * The account added its {@value KeyLog#KEY_EVENTS_PER_DAY} key events of the last 24 hours: a 429
 * of its own problem type, since it is about the account's key, not the caller's address.
 */
public class KeyEventsExhaustedException extends TooManyRequestsException {

    public KeyEventsExhaustedException(long recent, Duration retryAfter) {
        super("this account's key changed " + recent + " times in the last 24 hours, the most the directory records",
                retryAfter);
    }
}
