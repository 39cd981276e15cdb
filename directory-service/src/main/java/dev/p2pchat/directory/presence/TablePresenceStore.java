package dev.p2pchat.directory.presence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Presence in the {@code presence} table, shared by every instance on one database: the store
 * for several instances. On PostgreSQL the table is UNLOGGED (migration
 * {@code db/vendor/postgresql}): a renewal is one UPDATE that writes no WAL and waits for no
 * disk flush, and a crash of the database empties the table, which is all soft state may cost.
 * Every statement runs on its own (auto-commit), outside any transaction.
 */
final class TablePresenceStore implements PresenceStore {

    private static final String COLUMNS = "account_id, username, username_key, host, port, addresses, updated_at, expires_at";

    /** Keys per statement of {@link #keepOnline}: two statements per this many channels, every ping interval. */
    static final int KEEP_BATCH = 500;

    private final JdbcClient jdbc;

    TablePresenceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void put(Presence entry) {
        if (update(entry) == 0) {
            try {
                jdbc.sql("insert into presence (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?)")
                        .params(entry.accountId(), entry.username(), entry.usernameKey(), entry.host(), entry.port(),
                                entry.addresses(), utc(entry.updatedAt()), utc(entry.expiresAt()))
                        .update();
            } catch (DuplicateKeyException raced) {
                // another request of the same account inserted first: renew that row instead
                update(entry);
            }
        }
    }

    private int update(Presence entry) {
        return jdbc.sql("""
                        update presence set host = ?, port = ?, addresses = ?, updated_at = ?, expires_at = ?
                         where account_id = ?
                        """)
                .params(entry.host(), entry.port(), entry.addresses(), utc(entry.updatedAt()), utc(entry.expiresAt()),
                        entry.accountId())
                .update();
    }

    @Override
    public Set<String> keepOnline(Collection<String> usernameKeys, Instant now, Instant expiresAt) {
        Set<String> missing = new HashSet<>(usernameKeys);
        List<String> keys = new ArrayList<>(missing);
        for (int from = 0; from < keys.size(); from += KEEP_BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + KEEP_BATCH));
            jdbc.sql("update presence set updated_at = :now, expires_at = :until"
                            + " where username_key in (:keys) and expires_at > :now")
                    .param("now", utc(now)).param("until", utc(expiresAt)).param("keys", batch)
                    .update();
            // what the update kept is online now (another instance may have renewed one meanwhile: it counts)
            missing.removeAll(jdbc.sql("select username_key from presence where username_key in (:keys) and expires_at > :now")
                    .param("keys", batch).param("now", utc(now))
                    .query(String.class).list());
        }
        return missing;
    }

    @Override
    public boolean remove(String usernameKey) {
        return jdbc.sql("delete from presence where username_key = ?").param(usernameKey).update() > 0;
    }

    @Override
    public Optional<Presence> find(String usernameKey) {
        return jdbc.sql("select " + COLUMNS + " from presence where username_key = ?")
                .param(usernameKey)
                .query(TablePresenceStore::row)
                .optional();
    }

    @Override
    public List<Presence> online(String afterKey, int limit, Instant now) {
        // limit is an int the caller bounds (at most 500): safe to write into the statement
        return jdbc.sql("select " + COLUMNS + " from presence where expires_at > ? and username_key > ?"
                        + " order by username_key fetch first " + limit + " rows only")
                .params(utc(now), afterKey)
                .query(TablePresenceStore::row)
                .list();
    }

    @Override
    public long countOnline(Instant now) {
        return jdbc.sql("select count(*) from presence where expires_at > ?").param(utc(now)).query(Long.class).single();
    }

    @Override
    public List<Presence> purgeExpired(Instant now, int max) {
        List<Presence> expired = jdbc.sql("select " + COLUMNS + " from presence where expires_at <= ?"
                        + " order by account_id fetch first " + max + " rows only")
                .param(utc(now))
                .query(TablePresenceStore::row)
                .list();
        // only rows still expired: one renewed meanwhile stays; another instance may purge the same rows
        return expired.stream()
                .filter(entry -> jdbc.sql("delete from presence where account_id = ? and expires_at <= ?")
                        .params(entry.accountId(), utc(now))
                        .update() > 0)
                .toList();
    }

    @Override
    public Collection<Presence> lostOnStop() {
        return List.of();
    }

    @Override
    public String name() {
        return "table";
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Presence row(ResultSet rs, int index) throws SQLException {
        return new Presence(rs.getLong("account_id"), rs.getString("username"), rs.getString("username_key"),
                rs.getString("host"), rs.getInt("port"), rs.getString("addresses"),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant());
    }
}
