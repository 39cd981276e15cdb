package dev.p2pchat.directory.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.system.AddressThrottle.Budget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-address budgets, on a clock moved by hand: no sleeping. */
class AddressThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));

    private AddressThrottle throttle(int failedLogins, int registrations, int maxAddresses) {
        DirectoryProperties properties = new DirectoryProperties(new DirectoryProperties.Lockout(3, Duration.ofMinutes(15)),
                new DirectoryProperties.Token(Duration.ofHours(12), Duration.ofSeconds(2)),
                new DirectoryProperties.Presence(Duration.ofSeconds(60)), new DirectoryProperties.Bcrypt(4, 1, 4),
                Path.of("data"), new DirectoryProperties.H2(40),
                new DirectoryProperties.Throttle(failedLogins, Duration.ofMinutes(1), registrations, Duration.ofHours(1),
                        maxAddresses, failedLogins, Duration.ofMinutes(1), 20, Duration.ofSeconds(10), 50_000),
                List.of());
        return new AddressThrottle(properties, clock, new SimpleMeterRegistry());
    }

    private static void spend(AddressThrottle throttle, Budget budget, String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.take(budget, address);
        }
    }

    @Test
    void tenFailedLoginsAMinuteThenRefusedUntilTheNextUnitRefills() {
        AddressThrottle throttle = throttle(10, 5, 1000);
        spend(throttle, Budget.FAILED_LOGINS, "203.0.113.5", 10);

        TooManyRequestsException refused = catchThrowableOfType(TooManyRequestsException.class,
                () -> throttle.take(Budget.FAILED_LOGINS, "203.0.113.5"));

        assertThat(refused.retryAfter()).as("one unit refills every 6 s").isEqualTo(Duration.ofSeconds(6));
        assertThat(refused.getMessage()).isEqualTo("Too many failed logins from your address");
        clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> throttle.take(Budget.FAILED_LOGINS, "203.0.113.5"))
                .isInstanceOf(TooManyRequestsException.class);
        clock.advance(Duration.ofSeconds(1));
        throttle.take(Budget.FAILED_LOGINS, "203.0.113.5");
        assertThatThrownBy(() -> throttle.take(Budget.FAILED_LOGINS, "203.0.113.5"))
                .isInstanceOf(TooManyRequestsException.class);
        clock.advance(Duration.ofMinutes(1));
        spend(throttle, Budget.FAILED_LOGINS, "203.0.113.5", 10);
    }

    @Test
    void aUnitGivenBackCanBeSpentAgainButTheBudgetNeverGrowsBeyondItsSize() {
        AddressThrottle throttle = throttle(10, 5, 1000);
        for (int i = 0; i < 100; i++) {
            throttle.take(Budget.FAILED_LOGINS, "192.0.2.1");
            throttle.giveBack(Budget.FAILED_LOGINS, "192.0.2.1");
            throttle.giveBack(Budget.FAILED_LOGINS, "192.0.2.1");
        }
        spend(throttle, Budget.FAILED_LOGINS, "192.0.2.1", 10);
        assertThatThrownBy(() -> throttle.take(Budget.FAILED_LOGINS, "192.0.2.1"))
                .isInstanceOf(TooManyRequestsException.class);
    }

    @Test
    void addressesAndBudgetsAreCountedApart() {
        AddressThrottle throttle = throttle(10, 5, 1000);
        spend(throttle, Budget.REGISTRATIONS, "203.0.113.9", 5);

        TooManyRequestsException refused = catchThrowableOfType(TooManyRequestsException.class,
                () -> throttle.take(Budget.REGISTRATIONS, "203.0.113.9"));

        assertThat(refused.retryAfter()).as("one account every 12 minutes").isEqualTo(Duration.ofMinutes(12));
        throttle.take(Budget.REGISTRATIONS, "203.0.113.10");
        spend(throttle, Budget.FAILED_LOGINS, "203.0.113.9", 10);
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64Network() {
        AddressThrottle throttle = throttle(10, 5, 1000);
        for (int i = 0; i < 10; i++) {
            throttle.take(Budget.FAILED_LOGINS, "2001:db8:1:2::" + Integer.toHexString(i + 1));
        }
        assertThatThrownBy(() -> throttle.take(Budget.FAILED_LOGINS, "2001:db8:1:2:ffff:ffff:ffff:ffff"))
                .isInstanceOf(TooManyRequestsException.class);
        throttle.take(Budget.FAILED_LOGINS, "2001:db8:1:3::1");
        assertThat(AddressThrottle.key("2001:DB8:1:2:abcd::9")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(AddressThrottle.key("198.51.100.7")).isEqualTo("198.51.100.7");
    }

    @Test
    void memoryIsBoundedByTheMostAddressesTrackedAndIdleAddressesAreForgotten() {
        AddressThrottle throttle = throttle(10, 5, 100);
        for (int i = 0; i < 5_000; i++) {
            throttle.take(Budget.FAILED_LOGINS, "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertThat(throttle.tracked(Budget.FAILED_LOGINS)).isBetween(1L, 100L);

        clock.advance(Duration.ofMinutes(1).plusMillis(1));
        assertThat(throttle.tracked(Budget.FAILED_LOGINS)).as("a whole period idle: full again, so forgotten").isZero();
    }
}
