import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * Creates a directory database for the benchmarks without a million BCrypt computations: the
 * directory's own Flyway migrations (the same scripts, so the directory starts on it as on its
 * own database), then accounts {@code user1..userN} in one bulk INSERT ... SELECT from H2's
 * SYSTEM_RANGE, all sharing one precomputed BCrypt hash (of the configured cost), and presence
 * rows for {@code user1..userM} that expire in the year 2999 (read only by the {@code table}
 * presence store; the default in-memory store starts empty), and bearer tokens for
 * {@code user1..userT} ({@link #token(long)}, stored as the directory stores them: SHA-256 hex),
 * so that load generators act as T logged-in users without T logins. Runs on the H2 and
 * Flyway jars the directory ships with.
 *
 * <p>Usage: {@code Seed --db DIR --migrations DIR --accounts N --online M --hash BCRYPT [--tokens T]}
 */
public final class Seed {

    /** Any valid fingerprint: lookups return it, nobody dials the seeded accounts. */
    static final String FINGERPRINT = "5eed".repeat(16);

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        Path db = Path.of(args.get("db")).toAbsolutePath();
        int accounts = Integer.parseInt(args.get("accounts"));
        int online = Integer.parseInt(args.get("online"));
        int tokens = Integer.parseInt(args.getOrDefault("tokens", "0"));
        String hash = args.get("hash");
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
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO session_token (token_hash, account_id, created_at, expires_at)
                    SELECT ?, id, CURRENT_TIMESTAMP, TIMESTAMP WITH TIME ZONE '2999-01-01 00:00:00+00'
                      FROM account WHERE username_key = ?
                    """)) {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                for (long user = 1; user <= tokens; user++) {
                    insert.setString(1, HexFormat.of().formatHex(
                            sha256.digest(token(user).getBytes(StandardCharsets.US_ASCII))));
                    insert.setString(2, "user" + user);
                    insert.addBatch();
                    if (user % 10_000 == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
            try (Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE");
                try (ResultSet rows = statement.executeQuery(
                        "SELECT (SELECT COUNT(*) FROM account), (SELECT COUNT(*) FROM presence), "
                                + "(SELECT COUNT(*) FROM session_token)")) {
                    rows.next();
                    BenchSupport.result("seed.accounts", rows.getLong(1));
                    BenchSupport.result("seed.online", rows.getLong(2));
                    BenchSupport.result("seed.tokens", rows.getLong(3));
                }
            }
        }
        long t2 = System.nanoTime();
        BenchSupport.result("seed.migrate_s", (t1 - t0) / 1e9);
        BenchSupport.result("seed.insert_s", (t2 - t1) / 1e9);
    }

    /**
     * The bearer token of seeded user {@code user<N>}: well-formed (43 base64url characters) and
     * known only to the bench; {@code lua/renew.lua} builds the same string.
     */
    static String token(long user) {
        return "benchtoken%033d".formatted(user);
    }
}
