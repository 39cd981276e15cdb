package dev.p2pchat.directory.account;

import java.time.Duration;
import java.time.Instant;

/** Too many failed logins: the account is locked until {@code lockedUntil}, {@code retryAfter} from now. */
public class AccountLockedException extends RuntimeException {

    private final Instant lockedUntil;
    private final Duration retryAfter;

    public AccountLockedException(Instant lockedUntil, Duration retryAfter) {
        super("account locked", null, false, false);
        this.lockedUntil = lockedUntil;
        this.retryAfter = retryAfter;
    }

    public Instant lockedUntil() {
        return lockedUntil;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
