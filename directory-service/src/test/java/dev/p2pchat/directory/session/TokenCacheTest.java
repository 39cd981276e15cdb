package dev.p2pchat.directory.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.account.AccountService;
import dev.p2pchat.directory.system.DirectoryMetrics;
import dev.p2pchat.directory.system.DirectoryProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checked tokens are remembered; a revocation, through this instance or told by another, holds at once. */
class TokenCacheTest {

    private static final String TOKEN = "T".repeat(43);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final SessionTokenRepository tokens = mock(SessionTokenRepository.class);
    private final TokenChecks checks = mock(TokenChecks.class);

    private SessionService service(Duration cacheTtl) {
        DirectoryProperties properties = new DirectoryProperties(new DirectoryProperties.Lockout(3, Duration.ofMinutes(15)),
                new DirectoryProperties.Token(Duration.ofHours(12), cacheTtl),
                new DirectoryProperties.Presence(Duration.ofSeconds(60)), new DirectoryProperties.Bcrypt(4, 1, 4),
                Path.of("data"), new DirectoryProperties.H2(40), new DirectoryProperties.Throttle(10, Duration.ofMinutes(1), 5, Duration.ofHours(1), 100_000, 600, Duration.ofMinutes(1), 20, Duration.ofSeconds(10), 50_000),
                java.util.List.of());
        return new SessionService(mock(AccountService.class), tokens, checks, event -> { }, properties, clock,
                new DirectoryMetrics(new SimpleMeterRegistry()));
    }

    private void valid(Instant expiresAt) {
        when(checks.findValid(anyString(), any())).thenReturn(
                Optional.of(new ValidToken(7, "alice", Tokens.hash(TOKEN), expiresAt)));
    }

    @Test
    void aCheckedTokenIsNotLookedUpAgainRightAway() {
        valid(clock.instant().plusSeconds(3600));
        SessionService sessions = service(Duration.ofSeconds(2));

        for (int i = 0; i < 5; i++) {
            assertThat(sessions.verify(TOKEN).username()).isEqualTo("alice");
        }

        verify(checks, times(1)).findValid(anyString(), any());
    }

    @Test
    void logoutOnThisInstanceRevokesAtOnce() {
        valid(clock.instant().plusSeconds(3600));
        SessionService sessions = service(Duration.ofSeconds(2));
        AuthenticatedUser alice = sessions.verify(TOKEN);

        sessions.logout(alice);
        when(checks.findValid(anyString(), any())).thenReturn(Optional.empty());

        assertThatThrownBy(() -> sessions.verify(TOKEN)).isInstanceOf(InvalidTokenException.class);
    }

    /** A 60-s cache that remembers TOKEN, whose row the database no longer has (revoked elsewhere). */
    private SessionService rememberingARevokedToken() {
        valid(clock.instant().plusSeconds(3600));
        SessionService sessions = service(Duration.ofSeconds(60));
        sessions.verify(TOKEN);
        when(checks.findValid(anyString(), any())).thenReturn(Optional.empty());
        return sessions;
    }

    @Test
    void aRevocationToldByAnotherInstanceHoldsAtOnce() {
        SessionService sessions = rememberingARevokedToken();

        sessions.forget(SessionService.revocationKey(Tokens.hash(TOKEN)));

        assertThatThrownBy(() -> sessions.verify(TOKEN)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void afterTheBusWasDownEveryTokenIsCheckedAgain() {
        SessionService sessions = rememberingARevokedToken();

        sessions.forgetAll();

        assertThatThrownBy(() -> sessions.verify(TOKEN)).isInstanceOf(InvalidTokenException.class);
    }

    /**
     * A revocation heard while the database answers: the query may have run before it, so the call
     * asks again (now after it) and what the first query loaded is not kept.
     */
    @Test
    void aRevocationDuringTheCheckIsNotUndoneByIt() {
        SessionService sessions = service(Duration.ofSeconds(60));
        when(checks.findValid(anyString(), any())).thenAnswer(call -> {
            sessions.forget(SessionService.revocationKey(Tokens.hash(TOKEN))); // arrives mid-query
            return Optional.of(new ValidToken(7, "alice", Tokens.hash(TOKEN), clock.instant().plusSeconds(3600)));
        }).thenReturn(Optional.empty());

        assertThatThrownBy(() -> sessions.verify(TOKEN)).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> sessions.verify(TOKEN)).isInstanceOf(InvalidTokenException.class);
        verify(checks, times(3)).findValid(anyString(), any());
    }

    /**
     * The channels' tokens are checked in the database, in batches, even those remembered: the
     * cache may for a moment hold one that a check racing its revocation loaded.
     */
    @Test
    void stillValidAsksTheDatabaseEvenForRememberedTokensInBatches() {
        SessionService sessions = service(Duration.ofSeconds(60));
        valid(clock.instant().plusSeconds(3600));
        sessions.verify(TOKEN); // remembered
        when(checks.validAmong(anyList(), any())).thenAnswer(call -> {
            List<String> asked = call.getArgument(0);
            return asked.contains("b") ? Set.of("b") : Set.of(); // only "b" is still valid in the database
        });

        assertThat(sessions.stillValid(List.of(Tokens.hash(TOKEN), "a", "b"))).containsExactly("b");
        verify(checks, times(1)).validAmong(anyList(), any());

        List<String> many = java.util.stream.IntStream.range(0, SessionService.CHECK_BATCH * 2 + 1)
                .mapToObj(i -> "hash-" + i).toList();
        assertThat(sessions.stillValid(many)).isEmpty();
        verify(checks, times(1 + 3)).validAmong(anyList(), any());
    }

    @Test
    void aTokenThatExpiresIsRefusedEvenWhileRemembered() {
        valid(clock.instant().plusMillis(500));
        SessionService sessions = service(Duration.ofSeconds(2));
        sessions.verify(TOKEN);
        when(checks.findValid(anyString(), any())).thenReturn(Optional.empty());

        clock.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> sessions.verify(TOKEN)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void withTheCacheOffEveryCallAsksTheDatabase() {
        valid(clock.instant().plusSeconds(3600));
        SessionService sessions = service(Duration.ZERO);

        sessions.verify(TOKEN);
        sessions.verify(TOKEN);

        verify(checks, times(2)).findValid(anyString(), any());
    }
}
