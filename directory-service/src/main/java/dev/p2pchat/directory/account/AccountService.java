package dev.p2pchat.directory.account;

import dev.p2pchat.directory.system.AddressThrottle;
import dev.p2pchat.directory.system.BusyException;
import dev.p2pchat.directory.system.DirectoryMetrics;
import dev.p2pchat.directory.system.PasswordHashing;
import dev.p2pchat.directory.system.TooManyRequestsException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Registration and password checks with the lockout rule. */
@Service
public class AccountService {

    private final AccountRepository accounts;
    private final PasswordHashing hashing;
    private final Lockout lockout;
    private final TransactionTemplate transactions;
    private final DirectoryMetrics metrics;
    private final AddressThrottle throttle;
    private final LoginKeys keys;

    public AccountService(AccountRepository accounts, PasswordHashing hashing, Lockout lockout,
                          TransactionTemplate transactions, DirectoryMetrics metrics, AddressThrottle throttle,
                          LoginKeys keys) {
        this.keys = keys;
        this.metrics = metrics;
        this.throttle = throttle;
        this.accounts = accounts;
        this.hashing = hashing;
        this.lockout = lockout;
        this.transactions = transactions;
    }

    /**
     * Creates an account. The password array is zeroed. A name taken in any letter case is
     * {@link UsernameTakenException}, also when two registrations race (the unique index
     * decides). When every password check is busy, {@link BusyException} at once, before any
     * database work. Each new account costs {@code client} one unit of its registration budget
     * ({@link TooManyRequestsException} when spent), taken before anything else; a taken name or
     * a busy pool costs nothing.
     */
    public Account register(String username, char[] password, String client) {
        try {
            throttle.take(AddressThrottle.Budget.REGISTRATIONS, client);
        } catch (TooManyRequestsException throttled) {
            Arrays.fill(password, '\0');
            metrics.registration(DirectoryMetrics.Registration.THROTTLED);
            throw throttled;
        }
        boolean created = false;
        try {
            Account account = create(username, password);
            created = true;
            return account;
        } finally {
            if (!created) {
                throttle.giveBack(AddressThrottle.Budget.REGISTRATIONS, client);
            }
        }
    }

    private Account create(String username, char[] password) {
        try {
            hashing.ensureCapacity(password);
        } catch (BusyException busy) {
            metrics.registration(DirectoryMetrics.Registration.BUSY);
            throw busy;
        }
        String key = Account.key(username);
        if (accounts.existsByUsernameKey(key)) {
            Arrays.fill(password, '\0');
            throw usernameTaken(username);
        }
        String hash;
        try {
            hash = hashing.hash(password);
        } catch (BusyException busy) {
            metrics.registration(DirectoryMetrics.Registration.BUSY);
            throw busy;
        }
        try {
            Account account = accounts.saveAndFlush(new Account(username, hash, lockout.now()));
            metrics.registration(DirectoryMetrics.Registration.CREATED);
            return account;
        } catch (DataIntegrityViolationException e) {
            throw usernameTaken(username);
        }
    }

    /**
     * Checks a username and password, applying the lockout rule. Returns the account on
     * success. Unknown names and wrong passwords fail identically ({@link BadCredentialsException}
     * and, thanks to a dummy hash, the same time). A locked account is refused
     * ({@link AccountLockedException}) before any hash is computed. When every password check
     * is busy, {@link BusyException} at once, before any database work (also for a locked
     * account: the client retries later either way). The password array is zeroed. A
     * {@code fingerprint} becomes the account's key, and {@link LoginKeys} hears of it in the
     * same transaction (the key log's {@code first} or {@code reset} entry).
     *
     * <p>Before all that, the attempt takes a unit of {@code client}'s failed-login budget
     * ({@link TooManyRequestsException} when spent, before any database read or hash); it is
     * given back unless the attempt fails (wrong credentials or a lock), so a spray is capped
     * even when its attempts run in parallel, and successful logins cost nothing.
     */
    public Account authenticate(String username, char[] password, String fingerprint, String client) {
        try {
            throttle.take(AddressThrottle.Budget.FAILED_LOGINS, client);
        } catch (TooManyRequestsException throttled) {
            Arrays.fill(password, '\0');
            throw throttled;
        }
        boolean failed = false;
        try {
            return check(username, password, fingerprint);
        } catch (BadCredentialsException | AccountLockedException e) {
            failed = true;
            throw e;
        } finally {
            if (!failed) {
                throttle.giveBack(AddressThrottle.Budget.FAILED_LOGINS, client);
            }
        }
    }

    private Account check(String username, char[] password, String fingerprint) {
        hashing.ensureCapacity(password);
        Optional<Account> found = accounts.findByUsernameKey(Account.key(username));
        if (found.isEmpty()) {
            hashing.matchesNothing(password);
            throw new BadCredentialsException();
        }
        Account account = found.get();
        Instant now = lockout.now();
        if (lockout.isLocked(account.getLockedUntil(), now)) {
            Arrays.fill(password, '\0');
            throw locked(account.getLockedUntil(), now);
        }
        boolean ok = hashing.matches(password, account.getPasswordHash());
        now = lockout.now();
        if (ok) {
            Instant succeededAt = now;
            // the key and its log entry (first, or a reset) are one transaction
            boolean recorded = Boolean.TRUE.equals(transactions.execute(status -> {
                if (accounts.recordSuccess(account.getId(), fingerprint, succeededAt) != 1) {
                    return false;
                }
                if (fingerprint != null) {
                    keys.presented(account.getUsernameKey(), fingerprint);
                }
                return true;
            }));
            if (recorded) {
                return account;
            }
            // locked by concurrent failures while this password was being checked
            throw lockedNow(account.getId(), now);
        }
        Instant failedAt = now;
        // count and read back in one transaction: the row lock makes the answer this attempt's own
        Instant lockedUntil = transactions.execute(status -> {
            accounts.recordFailure(account.getId(), lockout.attempts(), failedAt, lockout.lockUntil(failedAt));
            return accounts.findLockedUntil(account.getId()).orElse(null);
        });
        if (lockout.isLocked(lockedUntil, now)) {
            throw locked(lockedUntil, now);
        }
        throw new BadCredentialsException();
    }

    private AccountLockedException lockedNow(long id, Instant now) {
        Instant lockedUntil = accounts.findLockedUntil(id).orElse(now);
        return locked(lockedUntil, now);
    }

    private AccountLockedException locked(Instant lockedUntil, Instant now) {
        return new AccountLockedException(lockedUntil, Duration.ofSeconds(lockout.secondsLeft(lockedUntil, now)));
    }

    private UsernameTakenException usernameTaken(String username) {
        metrics.registration(DirectoryMetrics.Registration.TAKEN);
        return new UsernameTakenException(username);
    }
}
