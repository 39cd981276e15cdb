package dev.p2pchat.directory.session;

import dev.p2pchat.directory.account.Account;
import dev.p2pchat.directory.account.AccountLockedException;
import dev.p2pchat.directory.account.AccountService;
import dev.p2pchat.directory.account.BadCredentialsException;
import dev.p2pchat.directory.system.BusyException;
import dev.p2pchat.directory.system.DirectoryMetrics;
import dev.p2pchat.directory.system.DirectoryProperties;
import dev.p2pchat.directory.system.TooManyRequestsException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/** Issues, verifies and revokes bearer tokens. */
@Service
public class SessionService {

    private static final String BEARER = "bearer ";

    private final AccountService accounts;
    private final SessionTokenRepository tokens;
    private final TokenChecks checks;
    private final ApplicationEventPublisher events;
    private final Duration ttl;
    private final Clock clock;
    private final DirectoryMetrics metrics;
    /** Tokens recently found valid, by {@link Tokens#revocationKey}; null when the cache is off. */
    private final Cache<String, ValidToken> validated;
    /**
     * Counts the revocations heard: a token loaded while one arrived is not kept, since the query
     * may have run before the revocation (no lock is held while the database answers).
     */
    private final AtomicLong revocations = new AtomicLong();
    /** Token hashes per query of {@link #stillValid}. */
    static final int CHECK_BATCH = 500;

    public SessionService(AccountService accounts, SessionTokenRepository tokens, TokenChecks checks,
                          ApplicationEventPublisher events, DirectoryProperties properties, Clock clock,
                          DirectoryMetrics metrics) {
        this.checks = checks;
        this.metrics = metrics;
        Duration cacheTtl = properties.token().cacheTtl();
        this.validated = cacheTtl.isZero() ? null
                : Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(cacheTtl).build();
        this.accounts = accounts;
        this.tokens = tokens;
        this.events = events;
        this.ttl = properties.token().ttl();
        this.clock = clock;
    }

    public record IssuedToken(String token, String username, Instant expiresAt) {
    }

    /** Checks the credentials (with lockout and the throttle of {@code client}) and issues a new token. */
    public IssuedToken login(String username, char[] password, String fingerprint, String client) {
        Account account;
        try {
            account = accounts.authenticate(username, password, fingerprint, client);
        } catch (BadCredentialsException e) {
            metrics.login(DirectoryMetrics.Login.FAILED);
            throw e;
        } catch (AccountLockedException e) {
            metrics.login(DirectoryMetrics.Login.LOCKED);
            throw e;
        } catch (BusyException e) {
            metrics.login(DirectoryMetrics.Login.BUSY);
            throw e;
        } catch (TooManyRequestsException e) {
            metrics.login(DirectoryMetrics.Login.THROTTLED);
            throw e;
        }
        metrics.login(DirectoryMetrics.Login.OK);
        String token = Tokens.newToken();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        tokens.save(new SessionToken(Tokens.hash(token), account.getId(), now, expiresAt));
        return new IssuedToken(token, account.getUsername(), expiresAt);
    }

    /**
     * The user behind a bearer token, or {@link InvalidTokenException}. A token found valid is
     * remembered for {@code directory.token.cache-ttl} (60 s), longer than a peer's 20-s presence
     * renewal, so a peer's calls do not each cost a database round trip. A logout through this
     * instance holds here at once; through another, as soon as the instances' bus tells of it
     * ({@link #forget}); if this instance's bus was down, when it listens again ({@link #forgetAll}).
     */
    public AuthenticatedUser verify(String token) {
        return verifyToken(token).user();
    }

    /**
     * The token of an {@code Authorization} header ({@code Bearer <token>}, the scheme in any
     * letter case); {@link InvalidTokenException} when the header is missing or of another scheme.
     */
    public static String bearerToken(String header) {
        if (header == null || header.isBlank()) {
            throw new InvalidTokenException("This call needs 'Authorization: Bearer <token>' from a login.");
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new InvalidTokenException("Only bearer tokens are accepted.");
        }
        return header.substring(BEARER.length()).strip();
    }

    /** As {@link #verify}, with the token's expiry (a signalling channel is closed when it passes). */
    public ValidToken verifyToken(String token) {
        if (!Tokens.wellFormed(token)) {
            throw new InvalidTokenException("The bearer token is malformed.");
        }
        String hash = Tokens.hash(token);
        Instant now = clock.instant();
        String key = validated == null ? null : Tokens.revocationKey(hash);
        ValidToken valid = key == null ? null : validated.getIfPresent(key);
        if (valid == null || !valid.tokenHash().equals(hash)) {
            long before = revocations.get();
            valid = checks.findValid(hash, now).orElse(null);
            if (valid != null && key != null) {
                validated.put(key, valid);
                if (revocations.get() != before) {
                    // a revocation arrived during the query, which may have run before it: not kept,
                    // and asked again, now after it (a revocation is committed before it is told)
                    validated.invalidate(key);
                    valid = checks.findValid(hash, now).orElse(null);
                }
            }
        }
        if (valid == null || !valid.expiresAt().isAfter(now)) {
            throw new InvalidTokenException("The bearer token is unknown, expired or revoked.");
        }
        return valid;
    }

    /**
     * Revokes the caller's token and announces {@link LoggedOut}, on which presence takes the
     * caller offline and signalling closes the channels opened with the token, before this returns.
     */
    public void logout(AuthenticatedUser user) {
        tokens.revoke(user.tokenHash());
        forget(revocationKey(user.tokenHash()));
        events.publishEvent(new LoggedOut(user.accountId(), user.username(), user.tokenHash()));
    }

    /** What identifies a token between instances: a hash of its stored hash, never the hash itself. */
    public static String revocationKey(String tokenHash) {
        return Tokens.revocationKey(tokenHash);
    }

    /**
     * Which of these token hashes are still valid (not revoked, not expired), from the database,
     * {@value #CHECK_BATCH} per query: for the signalling channels opened with them, which no
     * call re-checks. Never from the cache, which may for a moment hold a token that a check
     * racing its revocation loaded; a channel let through on that would stay open.
     */
    public Set<String> stillValid(Collection<String> tokenHashes) {
        Instant now = clock.instant();
        List<String> ask = List.copyOf(new HashSet<>(tokenHashes));
        Set<String> valid = new HashSet<>();
        for (int from = 0; from < ask.size(); from += CHECK_BATCH) {
            valid.addAll(checks.validAmong(ask.subList(from, Math.min(ask.size(), from + CHECK_BATCH)), now));
        }
        return valid;
    }

    /** A token was revoked (through any instance): the next call with it asks the database. */
    public void forget(String revocationKey) {
        revocations.incrementAndGet();
        if (validated != null) {
            validated.invalidate(revocationKey);
        }
    }

    /** Revocations may have been missed (the instances' bus was down): every token is checked again. */
    public void forgetAll() {
        revocations.incrementAndGet();
        if (validated != null) {
            validated.invalidateAll();
        }
    }
}
