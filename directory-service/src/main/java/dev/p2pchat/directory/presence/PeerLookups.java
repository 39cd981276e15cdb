package dev.p2pchat.directory.presence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The lookup, the directory's hottest call, as one plain SQL query outside any transaction.
 * Through JPA it cost a transaction, an entity manager and Hibernate's result processing per
 * call, which bench/ showed as most of its CPU; the rest of the service stays on JPA.
 */
@Component
class PeerLookups {

    private static final String LOOKUP = """
            select a.username, a.fingerprint, a.last_seen, p.host, p.port, p.updated_at, p.addresses,
                   exists (select 1 from signal_listener s where s.account_id = a.id and s.expires_at > ?) as signal
              from account a left join presence p on p.account_id = a.id and p.expires_at > ?
             where a.username_key = ?
            """;

    private final JdbcClient jdbc;

    PeerLookups(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<PeerView> find(String usernameKey, Instant now) {
        return jdbc.sql(LOOKUP)
                .params(OffsetDateTime.ofInstant(now, ZoneOffset.UTC), OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                        usernameKey)
                .query(PeerLookups::row)
                .optional();
    }

    private static PeerView row(ResultSet rs, int index) throws SQLException {
        int port = rs.getInt("port");
        Integer onlinePort = rs.wasNull() ? null : port;
        return new PeerView(rs.getString("username"), rs.getString("fingerprint"), instant(rs, "last_seen"),
                rs.getString("host"), onlinePort, instant(rs, "updated_at"), LocalAddresses.decode(rs.getString("addresses")),
                rs.getBoolean("signal"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
