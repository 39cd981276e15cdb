package dev.p2pchat.directory.system;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Budgets per client address, so that one address cannot try a password against every account,
 * lock everyone out, fill the password-check pool or mint accounts by the thousand. Each budget
 * is a token bucket (Bucket4j) per address that refills steadily over its period; a caller takes
 * a token <em>before</em> the work it guards and gives it back when the attempt turns out not to
 * count (a successful login, a taken name, a busy pool). Taking first caps even attempts that
 * run in parallel.
 *
 * <p>Memory is bounded: at most {@code directory.throttle.max-addresses} buckets per budget
 * (least recently used go first), and a bucket idle for a whole period is dropped, since by then
 * it is full again anyway. An IPv6 client is counted by its /64 network, which one host usually
 * has to itself. The budgets live in this instance's memory: with several instances each
 * keeps its own.
 */
@Component
public class AddressThrottle {

    /** What is being counted, and what a refused caller is told. */
    public enum Budget {
        FAILED_LOGINS("Too many failed logins from your address"),
        REGISTRATIONS("Too many new accounts from your address"),
        LOG_READS("Too many key log reads from your address");

        private final String reason;

        Budget(String reason) {
            this.reason = reason;
        }
    }

    private final Map<Budget, BucketCache<String>> budgets = new EnumMap<>(Budget.class);

    public AddressThrottle(DirectoryProperties properties, Clock clock, MeterRegistry registry) {
        DirectoryProperties.Throttle settings = properties.throttle();
        TimeMeter time = BucketCache.timeOf(clock);
        budgets.put(Budget.FAILED_LOGINS,
                new BucketCache<>(settings.failedLogins(), settings.failedLoginsPer(), settings.maxAddresses(), time));
        budgets.put(Budget.REGISTRATIONS,
                new BucketCache<>(settings.registrations(), settings.registrationsPer(), settings.maxAddresses(), time));
        budgets.put(Budget.LOG_READS,
                new BucketCache<>(settings.logReads(), settings.logReadsPer(), settings.maxAddresses(), time));
        budgets.forEach((budget, buckets) -> Gauge.builder("p2pchat.throttle.addresses", buckets.cache,
                        Cache::estimatedSize)
                .description("Client addresses whose budget is being tracked")
                .tag("budget", budget.name().toLowerCase(Locale.ROOT)).register(registry));
    }

    /** Takes one unit of the address's budget, or refuses with how long to wait for the next. */
    public void take(Budget budget, String address) {
        ConsumptionProbe probe = budgets.get(budget).take(key(address));
        if (!probe.isConsumed()) {
            throw new TooManyRequestsException(budget.reason, Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    /** Returns a unit taken for an attempt that turned out not to count. */
    public void giveBack(Budget budget, String address) {
        budgets.get(budget).giveBack(key(address));
    }

    /** Addresses tracked now for a budget, after evicting what is due. */
    long tracked(Budget budget) {
        return budgets.get(budget).tracked();
    }

    /** The address an IPv4 client is counted by, or the /64 network of an IPv6 one. */
    static String key(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            InetAddress parsed = InetAddress.getByName(address); // an IPv6 literal: never a name lookup
            if (parsed instanceof Inet6Address) {
                byte[] network = Arrays.copyOf(parsed.getAddress(), 16);
                Arrays.fill(network, 8, 16, (byte) 0);
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            }
            return parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
