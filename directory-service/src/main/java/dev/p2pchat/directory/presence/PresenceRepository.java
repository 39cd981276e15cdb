package dev.p2pchat.directory.presence;

import java.time.Instant;
import java.util.List;
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

    long countByExpiresAtAfter(Instant now);

    /** Renews an existing row in place; 0 when the account has none yet. */
    @Transactional
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("""
            update Presence p set p.host = :host, p.port = :port, p.addresses = :addresses, p.updatedAt = :now,
                   p.expiresAt = :expiresAt
             where p.accountId = :accountId
            """)
    int renew(@Param("accountId") long accountId, @Param("host") String host, @Param("port") int port,
              @Param("addresses") String addresses, @Param("now") Instant now, @Param("expiresAt") Instant expiresAt);

    @Transactional
    @Modifying
    @Query("delete from Presence p where p.accountId = :accountId")
    int deleteByAccount(@Param("accountId") long accountId);
}
