package dev.p2pchat.directory.keylog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The log's tables, in plain SQL (the log is read on every lookup). */
@Component
class LogEntries {

    private static final String COLUMNS = "idx, username_key, kind, fingerprint, previous, created_at, certificate, signature";

    /** An entry's index and stored leaf hash, what a tree is built from. */
    record Leaf(long index, byte[] hash) {
    }

    private final JdbcClient jdbc;

    LogEntries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Locks the log's state row until the calling transaction ends and returns the index the
     * next entry gets: appends on every instance wait here for each other.
     */
    long lockNextIndex() {
        return jdbc.sql("SELECT next_index FROM key_log_state WHERE id = 1 FOR UPDATE").query(Long.class).single();
    }

    /** How many entries are committed. */
    long committedSize() {
        return jdbc.sql("SELECT next_index FROM key_log_state WHERE id = 1").query(Long.class).single();
    }

    /** Stores {@code entry} at {@code entry.index()}; the caller holds the lock and advances the state. */
    void insert(LogEntry entry) {
        jdbc.sql("INSERT INTO key_log_entry (" + COLUMNS + ", leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(entry.index(), entry.username(), entry.kind(), entry.fingerprint(), entry.previous(),
                        entry.time(), entry.certificate(), entry.signature(),
                        HexFormat.of().formatHex(entry.leafHash()))
                .update();
        int advanced = jdbc.sql("UPDATE key_log_state SET next_index = ? WHERE id = 1 AND next_index = ?")
                .params(entry.index() + 1, entry.index())
                .update();
        if (advanced != 1) {
            throw new IllegalStateException("the key log moved while its lock was held");
        }
    }

    Optional<LogEntry> latest(String usernameKey) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM key_log_entry WHERE username_key = ? ORDER BY idx DESC LIMIT 1")
                .param(usernameKey)
                .query(LogEntries::entry)
                .optional();
    }

    /** The user's latest {@code limit} entries, newest first. */
    List<LogEntry> latest(String usernameKey, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM key_log_entry WHERE username_key = ? ORDER BY idx DESC LIMIT ?")
                .params(usernameKey, limit)
                .query(LogEntries::entry)
                .list();
    }

    /** Leaves from {@code from} on, at most {@code limit}, in index order. */
    List<Leaf> leaves(long from, int limit) {
        return jdbc.sql("SELECT idx, leaf_hash FROM key_log_entry WHERE idx >= ? ORDER BY idx LIMIT ?")
                .params(from, limit)
                .query((rs, row) -> new Leaf(rs.getLong("idx"), HexFormat.of().parseHex(rs.getString("leaf_hash"))))
                .list();
    }

    private static LogEntry entry(ResultSet rs, int row) throws SQLException {
        return new LogEntry(rs.getLong("idx"), rs.getString("username_key"), rs.getString("kind"),
                rs.getString("fingerprint"), rs.getString("previous"), rs.getLong("created_at"),
                rs.getString("certificate"), rs.getString("signature"));
    }
}
