package dev.p2pchat.directory.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.system.AccountThrottle.Budget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-account renewal budget, on a clock moved by hand: no sleeping. */
class AccountThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AccountThrottle throttle = new AccountThrottle(new DirectoryProperties(
            new DirectoryProperties.Lockout(3, Duration.ofMinutes(15)),
            new DirectoryProperties.Token(Duration.ofHours(12), Duration.ofSeconds(2)),
            new DirectoryProperties.Presence(Duration.ofSeconds(60)), new DirectoryProperties.Bcrypt(4, 1, 4),
            Path.of("data"), new DirectoryProperties.H2(40),
            new DirectoryProperties.Throttle(10, Duration.ofMinutes(1), 5, Duration.ofHours(1), 1000, 600,
                    Duration.ofMinutes(1), 20, Duration.ofSeconds(10), 1000),
            List.of()), clock, registry);

    private void spend(long account, int times) {
        for (int i = 0; i < times; i++) {
            throttle.take(Budget.RENEWALS, account);
        }
    }

    @Test
    void twentyRenewalsAtOnceThenOneEveryHalfSecond() {
        spend(1, 20);

        TooManyRequestsException refused = catchThrowableOfType(TooManyRequestsException.class,
                () -> throttle.take(Budget.RENEWALS, 1));

        assertThat(refused).hasMessage("Too many presence renewals for your account");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(registry.get("p2pchat.throttle.refused").tag("budget", "renewals").counter().count()).isEqualTo(1);
        clock.advance(Duration.ofMillis(500));
        spend(1, 1);
        assertThat(catchThrowableOfType(TooManyRequestsException.class, () -> throttle.take(Budget.RENEWALS, 1)))
                .isNotNull();
    }

    @Test
    void eachAccountHasItsOwnBudget() {
        spend(1, 20);

        assertThatCode(() -> spend(2, 20)).doesNotThrowAnyException();
        assertThatThrownBy(() -> throttle.take(Budget.RENEWALS, 1)).isInstanceOf(TooManyRequestsException.class);
    }

    @Test
    void anAccountIdleForAWholePeriodIsForgottenWithItsBudgetFull() {
        spend(1, 20);
        assertThat(throttle.tracked(Budget.RENEWALS)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(10));

        assertThat(throttle.tracked(Budget.RENEWALS)).isZero();
        assertThatCode(() -> spend(1, 20)).doesNotThrowAnyException();
    }
}
