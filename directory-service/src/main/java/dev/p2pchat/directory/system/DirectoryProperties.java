package dev.p2pchat.directory.system;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the directory, bound from {@code directory.*} (and the matching environment
 * variables) and validated at start-up, so a bad value stops the service with a clear message
 * instead of misbehaving later.
 */
@Validated
@ConfigurationProperties("directory")
public record DirectoryProperties(
        @Valid @DefaultValue Lockout lockout,
        @Valid @DefaultValue Token token,
        @Valid @DefaultValue Presence presence,
        @Valid @DefaultValue Bcrypt bcrypt,
        @NotNull @DefaultValue("./data") Path dataDir,
        @Valid @DefaultValue H2 h2,
        @Valid @DefaultValue Throttle throttle,
        @NotNull @DefaultValue List<String> trustedProxies) {

    /**
     * The reverse proxies whose {@code X-Forwarded-For} is believed: IP addresses or CIDR ranges
     * ({@code 172.30.80.0/24}), literals only. Empty (the default) believes nobody, so every
     * client is known by the address its connection comes from.
     */
    @AssertTrue(message = "must be IP addresses or CIDR ranges, e.g. 10.0.0.7 or 172.30.80.0/24")
    public boolean isTrustedProxiesValid() {
        return trustedProxies == null || trustedProxies.stream().allMatch(TrustedProxies::isValid);
    }

    /** Consecutive failed logins that lock an account, and for how long. */
    public record Lockout(
            @Min(1) @Max(100) @DefaultValue("3") int attempts,
            @NotNull @DefaultValue("15m") Duration duration) {
        @AssertTrue(message = "must be positive")
        public boolean isDurationPositive() {
            return duration != null && !duration.isNegative() && !duration.isZero();
        }
    }

    /**
     * Lifetime of a bearer token issued at login, and how long an instance may keep a token it
     * has checked without asking the database again (0 turns that off): longer than a peer's
     * 20-s presence renewal, so that renewals do not each cost a query. A logout reaches the
     * other instances over their bus at once (an instance whose bus broke forgets every token
     * when it listens again); {@code cacheTtl} bounds only a logout whose notice was lost.
     */
    public record Token(@NotNull @DefaultValue("12h") Duration ttl, @NotNull @DefaultValue("60s") Duration cacheTtl) {
        @AssertTrue(message = "must be positive")
        public boolean isTtlPositive() {
            return ttl != null && !ttl.isNegative() && !ttl.isZero();
        }

        @AssertTrue(message = "must be between 0 and 5 minutes")
        public boolean isCacheTtlAtMostFiveMinutes() {
            return cacheTtl != null && !cacheTtl.isNegative() && cacheTtl.compareTo(Duration.ofMinutes(5)) <= 0;
        }
    }

    /**
     * How long a published address stays online without renewal, and where presence is kept:
     * {@code memory} (this instance only: the embedded default) or {@code table} (the shared
     * {@code presence} table, UNLOGGED on PostgreSQL: for several instances; the postgres profile's
     * default). See docs/OPERATIONS.md, "Presence".
     */
    public record Presence(@NotNull @DefaultValue("60s") Duration ttl, @NotNull @DefaultValue("memory") Store store) {

        public enum Store { MEMORY, TABLE }

        @ConstructorBinding
        public Presence {
        }

        /** The default store, for tests that only set the TTL. */
        public Presence(Duration ttl) {
            this(ttl, Store.MEMORY);
        }

        @AssertTrue(message = "must be at least 5 seconds")
        public boolean isTtlLongEnough() {
            return ttl != null && ttl.compareTo(Duration.ofSeconds(5)) >= 0;
        }
    }

    /**
     * BCrypt work factor and the bounded pool that runs password checks. {@code poolSize}
     * defaults to one thread less than the machine has cores (at least one) so that a login
     * flood always leaves a core for everything else; {@code queueCapacity} bounds how many
     * checks may wait before new ones are refused with 503.
     */
    public record Bcrypt(
            @Min(4) @Max(31) @DefaultValue("12") int cost,
            @Min(1) @Max(256) Integer poolSize,
            @Min(0) @Max(10_000) @DefaultValue("16") int queueCapacity) {
        public Bcrypt {
            if (poolSize == null) {
                poolSize = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
            }
        }
    }

    /**
     * The embedded H2 database's page cache, as a share of the JVM's maximum heap. H2's own
     * default (16 MiB) holds the pages of a few thousand accounts; beyond that every lookup reads
     * pages from the file and the garbage collector copies the churn, which costs throughput and
     * shows up as long pauses. Ignored on PostgreSQL.
     */
    public record H2(@Min(1) @Max(80) @DefaultValue("40") int cachePercent) {
    }

    /**
     * Budgets per client address, spent before any password is checked or any row is read:
     * {@code failedLogins} failed logins per {@code failedLoginsPer} (a successful login costs
     * nothing) and {@code registrations} new accounts per {@code registrationsPer}; beyond, 429
     * with {@code Retry-After}. A budget refills steadily over its period. At most
     * {@code maxAddresses} addresses are tracked per budget; an address idle for a whole period
     * is forgotten (its budget is full again anyway). The public key-log reads
     * ({@code /api/v1/log/**}, {@code /.well-known/p2pchat-log-key}) cost one of
     * {@code logReads} per {@code logReadsPer} each.
     *
     * <p>And one budget per account: {@code renewals} presence renewals ({@code PUT
     * /api/v1/presence}) per {@code renewalsPer}, refused before the request's body is read; an
     * honest peer renews every 20 s. At most {@code maxAccounts} accounts are tracked.
     */
    public record Throttle(
            @Min(1) @Max(1_000_000) @DefaultValue("10") int failedLogins,
            @NotNull @DefaultValue("1m") Duration failedLoginsPer,
            @Min(1) @Max(1_000_000) @DefaultValue("5") int registrations,
            @NotNull @DefaultValue("1h") Duration registrationsPer,
            @Min(100) @Max(10_000_000) @DefaultValue("50000") int maxAddresses,
            @Min(1) @Max(1_000_000) @DefaultValue("600") int logReads,
            @NotNull @DefaultValue("1m") Duration logReadsPer,
            @Min(1) @Max(1_000_000) @DefaultValue("20") int renewals,
            @NotNull @DefaultValue("10s") Duration renewalsPer,
            @Min(100) @Max(10_000_000) @DefaultValue("50000") int maxAccounts) {
        @AssertTrue(message = "must be between 1 second and 1 day")
        public boolean isFailedLoginsPerInRange() {
            return inRange(failedLoginsPer);
        }

        @AssertTrue(message = "must be between 1 second and 1 day")
        public boolean isRegistrationsPerInRange() {
            return inRange(registrationsPer);
        }

        @AssertTrue(message = "must be between 1 second and 1 day")
        public boolean isLogReadsPerInRange() {
            return inRange(logReadsPer);
        }

        @AssertTrue(message = "must be between 1 second and 1 day")
        public boolean isRenewalsPerInRange() {
            return inRange(renewalsPer);
        }

        private static boolean inRange(Duration period) {
            return period != null && period.compareTo(Duration.ofSeconds(1)) >= 0
                    && period.compareTo(Duration.ofDays(1)) <= 0;
        }
    }
}
