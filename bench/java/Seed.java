import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * Creates a directory database for the benchmarks without a million BCrypt computations: the
 * directory's own Flyway migrations (the same scripts, so the directory starts on it as on its
 * own database), then accounts {@code user1..userN} in one bulk INSERT ... SELECT from H2's
 * SYSTEM_RANGE, all sharing one precomputed BCrypt hash (of the configured cost), and presence
 * rows for {@code user1..userM} that expire in the year 2999, and a key log {@code first}
 * entry for L odd-numbered users (their lookups carry proofs; the even ones' do not), leaf hashes
 * computed here as docs/PROTOCOL.md section 15 gives them. Runs on the H2 and Flyway jars the
 * directory ships with. Reports the key log's growth: the database file's bytes per entry and
 * the entry's own bytes.
 *
 * <p>Usage: {@code Seed --db DIR --migrations DIR --accounts N --online M --log L --hash BCRYPT}
 */
public final class Seed {

    /** Any valid fingerprint: lookups return it, nobody dials the seeded accounts. */
    static final String FINGERPRINT = "5eed".repeat(16);

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        Path db = Path.of(args.get("db")).toAbsolutePath();
        int accounts = Integer.parseInt(args.get("accounts"));
        int online = Integer.parseInt(args.get("online"));
        String hash = args.get("hash");
        int logged = Integer.parseInt(args.getOrDefault("log", "0"));
        String url = "jdbc:h2:file:" + db.resolve("directory");
        long t0 = System.nanoTime();
        Flyway.configure()
                .dataSource(url, "sa", "")
                .locations("filesystem:" + Path.of(args.get("migrations")).toAbsolutePath())
                .load()
                .migrate();
        long t1 = System.nanoTime();
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO account (username, username_key, password_hash, failed_attempts, fingerprint,
                                         last_seen, created_at)
                    SELECT 'user' || X, 'user' || X, ?, 0, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
                      FROM SYSTEM_RANGE(1, ?)
                    """)) {
                insert.setString(1, hash);
                insert.setString(2, FINGERPRINT);
                insert.setLong(3, accounts);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO presence (account_id, username, username_key, host, port, updated_at, expires_at)
                    SELECT id, username, username_key, '127.0.0.1', 20000 + MOD(id, 40000), CURRENT_TIMESTAMP,
                           TIMESTAMP WITH TIME ZONE '2999-01-01 00:00:00+00'
                      FROM account ORDER BY id FETCH FIRST ? ROWS ONLY
                    """)) {
                insert.setLong(1, online);
                insert.executeUpdate();
            }
            connection.commit();
            if (logged > 0) {
                seedLog(connection, db.resolve("directory.mv.db"), logged);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE");
                try (ResultSet rows = statement.executeQuery(
                        "SELECT (SELECT COUNT(*) FROM account), (SELECT COUNT(*) FROM presence)")) {
                    rows.next();
                    BenchSupport.result("seed.accounts", rows.getLong(1));
                    BenchSupport.result("seed.online", rows.getLong(2));
                }
            }
        }
        long t2 = System.nanoTime();
        BenchSupport.result("seed.migrate_s", (t1 - t0) / 1e9);
        BenchSupport.result("seed.insert_s", (t2 - t1) / 1e9);
    }
    /**
     * The {@code first} entries of the odd-numbered users user1, user3, ... ({@code entries} of
     * them), as the directory appends them at a first login: online and offline users alike.
     */
    private static void seedLog(Connection connection, Path file, int entries) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }
        long before = Files.size(file);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        HexFormat hex = HexFormat.of();
        long time = System.currentTimeMillis();
        long leafBytes = 0;
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO key_log_entry (idx, username_key, kind, fingerprint, previous, created_at, certificate,
                                           signature, leaf_hash)
                VALUES (?, ?, 'first', ?, NULL, ?, NULL, NULL, ?)
                """)) {
            for (int i = 0; i < entries; i++) {
                String username = "user" + (2 * i + 1);
                byte[] leaf = ("p2pchat-key-log-entry/1\n" + i + "\n" + username + "\nfirst\n" + FINGERPRINT + "\n\n"
                        + time + "\n\n\n").getBytes(StandardCharsets.UTF_8);
                leafBytes += leaf.length;
                sha.update((byte) 0);
                insert.setLong(1, i);
                insert.setString(2, username);
                insert.setString(3, FINGERPRINT);
                insert.setLong(4, time);
                insert.setString(5, hex.formatHex(sha.digest(leaf)));
                insert.addBatch();
                if (i % 10_000 == 9_999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        try (PreparedStatement state = connection.prepareStatement("UPDATE key_log_state SET next_index = ?")) {
            state.setLong(1, entries);
            state.executeUpdate();
        }
        connection.commit();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
            try (ResultSet row = statement.executeQuery("""
                    SELECT AVG(8 + OCTET_LENGTH(username_key) + OCTET_LENGTH(kind) + OCTET_LENGTH(fingerprint)
                               + COALESCE(OCTET_LENGTH(previous), 0) + 8 + COALESCE(OCTET_LENGTH(certificate), 0)
                               + COALESCE(OCTET_LENGTH(signature), 0) + OCTET_LENGTH(leaf_hash))
                      FROM key_log_entry
                    """)) {
                row.next();
                BenchSupport.result("seed.log_row_bytes", row.getDouble(1));
            }
        }
        BenchSupport.result("seed.log_entries", entries);
        BenchSupport.result("seed.log_leaf_bytes", (double) leafBytes / entries);
        BenchSupport.result("seed.log_file_bytes_per_entry", (double) (Files.size(file) - before) / entries);
    }
}
