package dev.p2pchat.directory.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.system.AddressThrottle;
import dev.p2pchat.directory.system.DirectoryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.p2pchat.directory.system.PasswordHashing;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/** The login and registration rules, with the database and BCrypt mocked and time held still. */
class AccountServiceTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final AccountRepository accounts = mock(AccountRepository.class);
    private final PasswordHashing hashing = mock(PasswordHashing.class);
    private final TransactionTemplate transactions = new TransactionTemplate() {
        @Override
        public <T> T execute(TransactionCallback<T> action) {
            return action.doInTransaction(null);
        }
    };
    private static final String CLIENT = "192.0.2.1";
    private final LoginKeys keys = mock(LoginKeys.class);
    private final AccountService service = new AccountService(accounts, hashing,
            new Lockout(LockoutTest.properties(3, Duration.ofMinutes(15)), clock), transactions,
            new DirectoryMetrics(new SimpleMeterRegistry()),
            new AddressThrottle(LockoutTest.properties(3, Duration.ofMinutes(15)), clock, new SimpleMeterRegistry()),
            keys);

    private Account account(Instant lockedUntil) {
        Account account = new Account("Alice", "$2a$04$hash", clock.instant());
        ReflectionTestUtils.setField(account, "id", 7L);
        ReflectionTestUtils.setField(account, "lockedUntil", lockedUntil);
        return account;
    }

    @Test
    void aLockedAccountIsRefusedWithoutComputingAHash() {
        Instant until = clock.instant().plusSeconds(60);
        when(accounts.findByUsernameKey("alice")).thenReturn(Optional.of(account(until)));
        char[] password = "the right one".toCharArray();

        AccountLockedException locked = catchThrowableOfType(AccountLockedException.class,
                () -> service.authenticate("ALICE", password, null, CLIENT));

        assertThat(locked.lockedUntil()).isEqualTo(until);
        verify(hashing, never()).matches(any(), anyString());
        verify(accounts, never()).recordFailure(anyLong(), anyInt(), any(), any());
        assertThat(password).containsOnly('\0');
    }

    @Test
    void lockAfterThirdFailedLogin() {
        when(accounts.findByUsernameKey("alice")).thenReturn(Optional.of(account(null)));
        when(hashing.matches(any(), anyString())).thenReturn(false);
        Instant until = clock.instant().plus(Duration.ofMinutes(15));
        when(accounts.findLockedUntil(7L)).thenReturn(Optional.empty(), Optional.empty(), Optional.of(until));

        assertThatThrownBy(() -> service.authenticate("alice", "wrong".toCharArray(), null, CLIENT))
                .isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() -> service.authenticate("alice", "wrong".toCharArray(), null, CLIENT))
                .isInstanceOf(BadCredentialsException.class);
        AccountLockedException third = catchThrowableOfType(AccountLockedException.class,
                () -> service.authenticate("alice", "wrong".toCharArray(), null, CLIENT));

        assertThat(third.lockedUntil()).isEqualTo(until);
        assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(900));
        verify(accounts, org.mockito.Mockito.times(3)).recordFailure(7L, 3, clock.instant(), until);
    }

    @Test
    void aSuccessfulLoginResetsTheCountAndKeepsTheFingerprint() {
        Account alice = account(null);
        when(accounts.findByUsernameKey("alice")).thenReturn(Optional.of(alice));
        when(hashing.matches(any(), anyString())).thenReturn(true);
        when(accounts.recordSuccess(7L, "fp", clock.instant())).thenReturn(1);

        assertThat(service.authenticate("alice", "right".toCharArray(), "fp", CLIENT)).isSameAs(alice);
        verify(accounts).recordSuccess(7L, "fp", clock.instant());
        verify(keys).presented("alice", "fp");
    }

    @Test
    void aLoginWithoutAKeyOrRefusedByALockTellsTheKeyLogNothing() {
        when(accounts.findByUsernameKey("alice")).thenReturn(Optional.of(account(null)));
        when(hashing.matches(any(), anyString())).thenReturn(true);
        when(accounts.recordSuccess(eq(7L), any(), any())).thenReturn(1);
        service.authenticate("alice", "right".toCharArray(), null, CLIENT);

        when(accounts.recordSuccess(eq(7L), any(), any())).thenReturn(0);
        when(accounts.findLockedUntil(7L)).thenReturn(Optional.of(clock.instant().plusSeconds(100)));
        assertThatThrownBy(() -> service.authenticate("alice", "right".toCharArray(), "fp", CLIENT))
                .isInstanceOf(AccountLockedException.class);

        verifyNoInteractions(keys);
    }

    @Test
    void theRightPasswordIsRefusedWhenConcurrentFailuresLockedTheAccountMeanwhile() {
        when(accounts.findByUsernameKey("alice")).thenReturn(Optional.of(account(null)));
        when(hashing.matches(any(), anyString())).thenReturn(true);
        when(accounts.recordSuccess(eq(7L), any(), any())).thenReturn(0);
        when(accounts.findLockedUntil(7L)).thenReturn(Optional.of(clock.instant().plusSeconds(100)));

        assertThatThrownBy(() -> service.authenticate("alice", "right".toCharArray(), null, CLIENT))
                .isInstanceOf(AccountLockedException.class);
    }

    @Test
    void anExpiredLockNoLongerBlocks() {
        when(accounts.findByUsernameKey("alice")).thenReturn(Optional.of(account(clock.instant().minusMillis(1))));
        when(hashing.matches(any(), anyString())).thenReturn(true);
        when(accounts.recordSuccess(eq(7L), any(), any())).thenReturn(1);

        assertThat(service.authenticate("alice", "right".toCharArray(), null, CLIENT).getUsername()).isEqualTo("Alice");
    }

    @Test
    void anUnknownUsernameAnswersExactlyLikeAWrongPasswordAfterADummyCheck() {
        when(accounts.findByUsernameKey("alice")).thenReturn(Optional.of(account(null)));
        when(accounts.findByUsernameKey("nobody")).thenReturn(Optional.empty());
        when(hashing.matches(any(), anyString())).thenReturn(false);

        Throwable wrongPassword = org.assertj.core.api.Assertions.catchThrowable(
                () -> service.authenticate("alice", "wrong".toCharArray(), null, CLIENT));
        Throwable unknownUser = org.assertj.core.api.Assertions.catchThrowable(
                () -> service.authenticate("nobody", "wrong".toCharArray(), null, CLIENT));

        assertThat(wrongPassword).isInstanceOf(BadCredentialsException.class);
        assertThat(unknownUser).isInstanceOf(BadCredentialsException.class);
        verify(hashing).matchesNothing(any());
    }

    @Test
    void aTakenNameIsRefusedBeforeHashing() {
        when(accounts.existsByUsernameKey("alice")).thenReturn(true);

        assertThat(catchThrowableOfType(UsernameTakenException.class,
                () -> service.register("ALICE", "a password".toCharArray(), CLIENT)).username()).isEqualTo("ALICE");
        verify(hashing, never()).hash(any());
    }

    @Test
    void aRegistrationThatLosesARaceIsAConflict() {
        when(accounts.existsByUsernameKey("alice")).thenReturn(false);
        when(hashing.hash(any())).thenReturn("$2a$04$hash");
        when(accounts.saveAndFlush(any())).thenThrow(new DataIntegrityViolationException("uk_account_username_key"));

        assertThatThrownBy(() -> service.register("alice", "a password".toCharArray(), CLIENT))
                .isInstanceOf(UsernameTakenException.class);
    }
}
