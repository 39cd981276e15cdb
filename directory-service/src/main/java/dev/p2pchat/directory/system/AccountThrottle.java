package dev.p2pchat.directory.system;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Budgets per account, for calls a logged-in user makes often and that must not be made without
 * end: presence renewals. An honest peer renews every 20 s; one renewing as fast as it can would
 * take as much of the directory as every lookup together. A token bucket (Bucket4j) per account
 * holds {@code directory.throttle.renewals} and refills over {@code renewals-per}; at most
 * {@code max-accounts} are kept, and one idle for a whole period is dropped (it is full again
 * anyway), so with peers renewing every 20 s and a 10-s period only the busiest are tracked. The
 * budgets live in this instance's memory: with several instances each keeps its own.
 */
@Component
public class AccountThrottle {

    /** What is being counted, and what a refused caller is told. */
    public enum Budget {
        RENEWALS("Too many presence renewals for your account");

        private final String reason;

        Budget(String reason) {
            this.reason = reason;
        }
    }

    private final BucketCache<Long> renewals;

    public AccountThrottle(DirectoryProperties properties, Clock clock, MeterRegistry registry) {
        DirectoryProperties.Throttle settings = properties.throttle();
        renewals = new BucketCache<>(settings.renewals(), settings.renewalsPer(), settings.maxAccounts(),
                BucketCache.timeOf(clock));
        Gauge.builder("p2pchat.throttle.accounts", renewals.cache, Cache::estimatedSize)
                .description("Accounts whose budget is being tracked")
                .tag("budget", "renewals").register(registry);
    }

    /** Takes one unit of the account's budget, or refuses with how long to wait for the next. */
    public void take(Budget budget, long accountId) {
        ConsumptionProbe probe = renewals.take(accountId);
        if (!probe.isConsumed()) {
            throw new TooManyRequestsException(budget.reason, Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    /** Accounts tracked now, after evicting what is due. */
    long tracked() {
        return renewals.tracked();
    }
}
