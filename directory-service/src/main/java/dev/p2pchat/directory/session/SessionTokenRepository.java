package dev.p2pchat.directory.session;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface SessionTokenRepository extends JpaRepository<SessionToken, String> {

    /** The user behind a token that has not expired, in one indexed query. */
    @Query("""
            select new dev.p2pchat.directory.session.ValidToken(a.id, a.username, t.tokenHash,
                       t.expiresAt)
              from SessionToken t, Account a
             where t.tokenHash = :hash and t.expiresAt > :now and a.id = t.accountId
            """)
    Optional<ValidToken> findValid(@Param("hash") String tokenHash, @Param("now") Instant now);

    @Transactional
    @Modifying
    @Query("delete from SessionToken t where t.tokenHash = :hash")
    int revoke(@Param("hash") String tokenHash);
}
