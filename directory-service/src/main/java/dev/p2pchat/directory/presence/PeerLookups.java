package dev.p2pchat.directory.presence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The account half of a lookup, the directory's hottest call, as one plain SQL query outside any
 * transaction (through JPA it cost a transaction, an entity manager and Hibernate's result
 * processing per call). Presence, the other half, comes from the {@link PresenceStore}.
 */
@Component
class PeerLookups {

    private static final String LOOKUP = """
            select a.username, a.fingerprint, a.last_seen,
                   exists (select 1 from signal_listener s join signal_instance i on i.instance_id = s.instance_id
                            where s.account_id = a.id and i.expires_at > ?) as signal
              from account a
             where a.username_key = ?
            """;

    private final JdbcClient jdbc;

    PeerLookups(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The account as an offline peer: no host, port or addresses (the caller adds its presence). */
    Optional<PeerView> find(String usernameKey, Instant now) {
        return jdbc.sql(LOOKUP)
                .params(OffsetDateTime.ofInstant(now, ZoneOffset.UTC), usernameKey)
                .query(PeerLookups::row)
                .optional();
    }

    private static PeerView row(ResultSet rs, int index) throws SQLException {
        return new PeerView(rs.getString("username"), rs.getString("fingerprint"), instant(rs, "last_seen"),
                null, null, null, List.of(), rs.getBoolean("signal"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
