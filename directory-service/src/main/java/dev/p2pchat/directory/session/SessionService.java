package dev.p2pchat.directory.session;

import dev.p2pchat.directory.account.Account;
import dev.p2pchat.directory.account.AccountService;
import dev.p2pchat.directory.presence.PresenceService;
import dev.p2pchat.directory.system.ApiException;
import dev.p2pchat.directory.system.DirectoryMetrics;
import dev.p2pchat.directory.system.DirectoryProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Service;

/** Issues, verifies and revokes bearer tokens. */
@Service
public class SessionService {

    private final AccountService accounts;
    private final SessionTokenRepository tokens;
    private final PresenceService presence;
    private final Duration ttl;
    private final Clock clock;
    private final DirectoryMetrics metrics;

    public SessionService(AccountService accounts, SessionTokenRepository tokens, PresenceService presence,
                          DirectoryProperties properties, Clock clock, DirectoryMetrics metrics) {
        this.metrics = metrics;
        this.accounts = accounts;
        this.tokens = tokens;
        this.presence = presence;
        this.ttl = properties.token().ttl();
        this.clock = clock;
    }

    public record IssuedToken(String token, String username, Instant expiresAt) {
    }

    /** Checks the credentials (with lockout) and issues a new token. */
    public IssuedToken login(String username, char[] password, String fingerprint) {
        Account account;
        try {
            account = accounts.authenticate(username, password, fingerprint);
        } catch (ApiException e) {
            metrics.login(switch (e.getStatusCode().value()) {
                case 423 -> DirectoryMetrics.Login.LOCKED;
                case 503 -> DirectoryMetrics.Login.BUSY;
                default -> DirectoryMetrics.Login.FAILED;
            });
            throw e;
        }
        metrics.login(DirectoryMetrics.Login.OK);
        String token = Tokens.newToken();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        tokens.save(new SessionToken(Tokens.hash(token), account.getId(), now, expiresAt));
        return new IssuedToken(token, account.getUsername(), expiresAt);
    }

    /** The user behind a bearer token, or 401. */
    public AuthenticatedUser verify(String token) {
        if (!Tokens.wellFormed(token)) {
            throw ApiException.unauthorized("The bearer token is malformed.");
        }
        return tokens.findValid(Tokens.hash(token), clock.instant())
                .orElseThrow(() -> ApiException.unauthorized("The bearer token is unknown, expired or revoked."));
    }

    /** Revokes the caller's token and takes the caller offline. */
    public void logout(AuthenticatedUser user) {
        tokens.revoke(user.tokenHash());
        presence.goOffline(user);
    }
}
