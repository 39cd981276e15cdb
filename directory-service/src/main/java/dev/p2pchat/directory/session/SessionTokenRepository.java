package dev.p2pchat.directory.session;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface SessionTokenRepository extends JpaRepository<SessionToken, String> {

    // the check of a token on each call: TokenChecks (plain SQL, no JPA)

    @Transactional
    @Modifying
    @Query("delete from SessionToken t where t.tokenHash = :hash")
    int revoke(@Param("hash") String tokenHash);
}
