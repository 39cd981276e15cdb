package dev.p2pchat.directory.presence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface PresenceRepository extends JpaRepository<Presence, Long> {

    /** One page of the online list in username order, after the keyset cursor. */
    List<Presence> findByExpiresAtAfterAndUsernameKeyGreaterThanOrderByUsernameKeyAsc(
            Instant now, String afterKey, Limit limit);

    /** A lookup in one indexed query: the account by its key, joined to live presence if any. */
    @Query("""
            select new dev.p2pchat.directory.presence.PeerView(a.username, a.fingerprint, a.lastSeen, p.host, p.port,
                       p.updatedAt)
              from Account a left join Presence p on p.accountId = a.id and p.expiresAt > :now
             where a.usernameKey = :key
            """)
    Optional<PeerView> lookup(@Param("key") String usernameKey, @Param("now") Instant now);

    long countByExpiresAtAfter(Instant now);

    /** Renews an existing row in place; 0 when the account has none yet. */
    @Transactional
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("""
            update Presence p set p.host = :host, p.port = :port, p.updatedAt = :now, p.expiresAt = :expiresAt
             where p.accountId = :accountId
            """)
    int renew(@Param("accountId") long accountId, @Param("host") String host, @Param("port") int port,
              @Param("now") Instant now, @Param("expiresAt") Instant expiresAt);

    @Transactional
    @Modifying
    @Query("delete from Presence p where p.accountId = :accountId")
    int deleteByAccount(@Param("accountId") long accountId);
}
