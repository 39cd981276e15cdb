package dev.p2pchat.directory.session;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The token check behind every authenticated call that misses the token cache, as one plain
 * indexed SQL query outside any transaction: a token's first call, and one a minute after that
 * ({@code directory.token.cache-ttl}). Through a JPA repository query the check was a third of
 * a renewal's CPU (bench/presence.sh, profile in docs/BENCHMARKS.md).
 */
@Component
class TokenChecks {

    private static final String VALID = """
            select a.id, a.username, t.expires_at
              from session_token t join account a on a.id = t.account_id
             where t.token_hash = ? and t.expires_at > ?
            """;

    private final JdbcClient jdbc;

    TokenChecks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user behind a token hash that has not expired at {@code now}. */
    Optional<ValidToken> findValid(String tokenHash, Instant now) {
        return jdbc.sql(VALID)
                .params(tokenHash, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .query((ResultSet rs, int row) -> valid(rs, tokenHash))
                .optional();
    }

    /** Those of {@code tokenHashes} (a few hundred at most: one statement) that have not expired at {@code now}. */
    Set<String> validAmong(List<String> tokenHashes, Instant now) {
        if (tokenHashes.isEmpty()) {
            return Set.of();
        }
        String marks = String.join(", ", Collections.nCopies(tokenHashes.size(), "?"));
        List<Object> params = new ArrayList<>(tokenHashes);
        params.add(OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        return new HashSet<>(jdbc.sql("select token_hash from session_token where token_hash in (" + marks
                        + ") and expires_at > ?")
                .params(params)
                .query(String.class)
                .list());
    }

    private static ValidToken valid(ResultSet rs, String tokenHash) throws SQLException {
        return new ValidToken(rs.getLong("id"), rs.getString("username"), tokenHash,
                rs.getObject("expires_at", OffsetDateTime.class).toInstant());
    }
}
