package dev.p2pchat.directory.system;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Budgets per account, for calls a logged-in user makes often and that must not be made without
 * end: presence renewals. An honest peer renews every 20 s; one renewing as fast as it can would
 * take as much of the directory as every lookup together. A token bucket (Bucket4j) per account
 * holds {@code directory.throttle.renewals} and refills over {@code renewals-per}. One idle for a
 * whole period is dropped (it is full again anyway): with peers renewing every 20 s and a 10-s
 * period, about half of them are tracked at a time. At most {@code max-accounts} are kept; beyond,
 * Caffeine drops the least used first, which only gives their accounts a full budget again, while
 * a flooding account's bucket, used all the time, stays. The budgets live in this instance's
 * memory: with several instances each keeps its own.
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

    private final Map<Budget, BucketCache<Long>> budgets = new EnumMap<>(Budget.class);
    private final Map<Budget, Counter> refused = new EnumMap<>(Budget.class);

    public AccountThrottle(DirectoryProperties properties, Clock clock, MeterRegistry registry) {
        DirectoryProperties.Throttle settings = properties.throttle();
        budgets.put(Budget.RENEWALS, new BucketCache<>(settings.renewals(), settings.renewalsPer(),
                settings.maxAccounts(), BucketCache.timeOf(clock)));
        budgets.forEach((budget, buckets) -> {
            String tag = budget.name().toLowerCase(Locale.ROOT);
            Gauge.builder("p2pchat.throttle.accounts", buckets.cache, Cache::estimatedSize)
                    .description("Accounts whose budget is being tracked").tag("budget", tag).register(registry);
            refused.put(budget, Counter.builder("p2pchat.throttle.refused")
                    .description("Calls refused because their account's budget was spent").tag("budget", tag)
                    .register(registry));
        });
    }

    /** Takes one unit of the account's budget, or refuses with how long to wait for the next. */
    public void take(Budget budget, long accountId) {
        ConsumptionProbe probe = budgets.get(budget).take(accountId);
        if (!probe.isConsumed()) {
            refused.get(budget).increment();
            throw new TooManyRequestsException(budget.reason, Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    /** Accounts tracked now for a budget, after evicting what is due. */
    long tracked(Budget budget) {
        return budgets.get(budget).tracked();
    }
}
