package dev.p2pchat.directory.account;

import dev.p2pchat.directory.system.DirectoryProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * The three-strikes rule of the original program: {@code attempts} consecutive failed logins
 * lock an account for {@code duration}. The counting itself is one atomic UPDATE in
 * {@link AccountRepository#recordFailure}; this class answers the questions around it.
 */
@Component
public class Lockout {

    private final int attempts;
    private final Duration duration;
    private final Clock clock;

    public Lockout(DirectoryProperties properties, Clock clock) {
        this.attempts = properties.lockout().attempts();
        this.duration = properties.lockout().duration();
        this.clock = clock;
    }

    public int attempts() {
        return attempts;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Until when a lock that starts now lasts. */
    public Instant lockUntil(Instant now) {
        return now.plus(duration);
    }

    public boolean isLocked(Instant lockedUntil, Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }

    /** Whole seconds until the lock ends, rounded up, for {@code Retry-After}; at least 1. */
    public long secondsLeft(Instant lockedUntil, Instant now) {
        long millis = Duration.between(now, lockedUntil).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
