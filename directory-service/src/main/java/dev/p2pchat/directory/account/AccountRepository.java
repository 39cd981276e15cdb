package dev.p2pchat.directory.account;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface AccountRepository extends JpaRepository<Account, Long> {

    Optional<Account> findByUsernameKey(String usernameKey);

    boolean existsByUsernameKey(String usernameKey);

    /**
     * Counts one failed login in a single atomic UPDATE (no read-modify-write), so concurrent
     * attempts on one or several instances are all counted. The attempt that reaches
     * {@code attempts} locks the account until {@code lockUntil} and starts the count afresh.
     * An account that is locked right now is left untouched.
     *
     * @return 1 if the failure was counted, 0 if the account was already locked
     */
    @Transactional
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("""
            update Account a
               set a.lockedUntil = case when a.failedAttempts + 1 >= :attempts then :lockUntil else a.lockedUntil end,
                   a.failedAttempts = case when a.failedAttempts + 1 >= :attempts then 0 else a.failedAttempts + 1 end
             where a.id = :id and (a.lockedUntil is null or a.lockedUntil <= :now)
            """)
    int recordFailure(@Param("id") long id, @Param("attempts") int attempts, @Param("now") Instant now,
                      @Param("lockUntil") Instant lockUntil);

    /**
     * Records a successful login: resets the failure count and keeps the latest identity
     * fingerprint (when one was sent). Refused (0) if the account got locked meanwhile.
     */
    @Transactional
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("""
            update Account a
               set a.failedAttempts = 0,
                   a.lockedUntil = null,
                   a.fingerprint = coalesce(:fingerprint, a.fingerprint)
             where a.id = :id and (a.lockedUntil is null or a.lockedUntil <= :now)
            """)
    int recordSuccess(@Param("id") long id, @Param("fingerprint") String fingerprint, @Param("now") Instant now);

    @Query("select a.lockedUntil from Account a where a.id = :id")
    Optional<Instant> findLockedUntil(@Param("id") long id);

    @Transactional
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update Account a set a.lastSeen = :lastSeen where a.id = :id")
    int updateLastSeen(@Param("id") long id, @Param("lastSeen") Instant lastSeen);

    /** Sets the account's identity key (a rotation); joins the caller's transaction and locks the row. */
    @Transactional
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update Account a set a.fingerprint = :fingerprint where a.id = :id")
    int updateFingerprint(@Param("id") long id, @Param("fingerprint") String fingerprint);
}
