package dev.p2pchat.directory.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.test.context.ActiveProfiles;

/** The lockout counter is SQL: these run it on the real schema (Flyway on H2). */
@DataJpaTest
@ActiveProfiles("test")
class AccountRepositoryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration LOCK = Duration.ofMinutes(15);

    @Autowired
    AccountRepository accounts;

    private long id;

    @BeforeEach
    void register() {
        id = accounts.saveAndFlush(new Account("Alice", "$2a$04$hash", T0)).getId();
    }

    private int fail(Instant at) {
        return accounts.recordFailure(id, 3, at, at.plus(LOCK));
    }

    private Account reload() {
        return accounts.findById(id).orElseThrow();
    }

    @Test
    void theThirdConsecutiveFailureLocksAndRestartsTheCount() {
        assertThat(fail(T0)).isEqualTo(1);
        assertThat(fail(T0)).isEqualTo(1);
        assertThat(reload().getFailedAttempts()).isEqualTo(2);
        assertThat(reload().getLockedUntil()).isNull();

        assertThat(fail(T0.plusSeconds(1))).isEqualTo(1);

        assertThat(reload().getLockedUntil()).isEqualTo(T0.plusSeconds(1).plus(LOCK));
        assertThat(reload().getFailedAttempts()).isZero();
    }

    @Test
    void failuresWhileLockedAreNotCountedAndDoNotExtendTheLock() {
        fail(T0);
        fail(T0);
        fail(T0);

        assertThat(fail(T0.plusSeconds(60))).isZero();
        assertThat(reload().getLockedUntil()).isEqualTo(T0.plus(LOCK));
        assertThat(reload().getFailedAttempts()).isZero();
    }

    @Test
    void afterTheLockEndsCountingStartsAfresh() {
        fail(T0);
        fail(T0);
        fail(T0);
        Instant later = T0.plus(LOCK);

        assertThat(fail(later)).isEqualTo(1);
        assertThat(reload().getFailedAttempts()).isEqualTo(1);
        assertThat(accounts.findLockedUntil(id)).contains(T0.plus(LOCK));
    }

    @Test
    void aSuccessResetsTheCountAndKeepsTheLatestFingerprint() {
        fail(T0);
        fail(T0);

        assertThat(accounts.recordSuccess(id, "ab".repeat(32), T0)).isEqualTo(1);
        assertThat(reload().getFailedAttempts()).isZero();
        assertThat(reload().getFingerprint()).isEqualTo("ab".repeat(32));

        assertThat(accounts.recordSuccess(id, null, T0)).as("no fingerprint sent keeps the last one").isEqualTo(1);
        assertThat(reload().getFingerprint()).isEqualTo("ab".repeat(32));

        fail(T0);
        fail(T0);
        assertThat(reload().getLockedUntil()).as("two failures after a success do not lock").isNull();
    }

    @Test
    void aSuccessIsRefusedWhileLocked() {
        fail(T0);
        fail(T0);
        fail(T0);

        assertThat(accounts.recordSuccess(id, null, T0.plusSeconds(1))).isZero();
    }

    @Test
    void usernamesAreUniqueWhateverTheirCase() {
        assertThat(accounts.existsByUsernameKey("alice")).isTrue();
        assertThat(accounts.findByUsernameKey("alice")).map(Account::getUsername).contains("Alice");

        assertThatThrownBy(() -> accounts.saveAndFlush(new Account("ALICE", "$2a$04$other", T0)))
                .isInstanceOf(DataIntegrityViolationException.class);
    }
}
