package dev.p2pchat.directory.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.system.DirectoryProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LockoutTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final Lockout lockout = new Lockout(properties(3, Duration.ofMinutes(15)), clock);

    static DirectoryProperties properties(int attempts, Duration duration) {
        return new DirectoryProperties(new DirectoryProperties.Lockout(attempts, duration),
                new DirectoryProperties.Token(Duration.ofHours(12), Duration.ofSeconds(2)), new DirectoryProperties.Presence(Duration.ofSeconds(60)),
                new DirectoryProperties.Bcrypt(4, 1, 4), Path.of("data"), new DirectoryProperties.H2(40), new DirectoryProperties.Throttle(10, Duration.ofMinutes(1), 5, Duration.ofHours(1), 100_000, 600, Duration.ofMinutes(1), 20, Duration.ofSeconds(10), 50_000),
                java.util.List.of());
    }

    @Test
    void aLockLastsTheConfiguredDuration() {
        Instant until = lockout.lockUntil(clock.instant());

        assertThat(until).isEqualTo(Instant.parse("2026-01-01T10:15:00Z"));
        assertThat(lockout.isLocked(until, clock.instant())).isTrue();
        clock.advance(Duration.ofMinutes(15).minusMillis(1));
        assertThat(lockout.isLocked(until, clock.instant())).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(lockout.isLocked(until, clock.instant())).as("unlocked exactly at lockedUntil").isFalse();
    }

    @Test
    void neverLockedIsNotLocked() {
        assertThat(lockout.isLocked(null, clock.instant())).isFalse();
    }

    @Test
    void retryAfterRoundsUpToWholeSecondsAndIsAtLeastOne() {
        Instant now = clock.instant();
        assertThat(lockout.secondsLeft(now.plusMillis(900_001), now)).isEqualTo(901);
        assertThat(lockout.secondsLeft(now.plusSeconds(900), now)).isEqualTo(900);
        assertThat(lockout.secondsLeft(now.plusMillis(1), now)).isEqualTo(1);
        assertThat(lockout.secondsLeft(now, now)).isEqualTo(1);
    }

    @Test
    void attemptsComeFromConfiguration() {
        assertThat(new Lockout(properties(5, Duration.ofMinutes(1)), clock).attempts()).isEqualTo(5);
    }
}
