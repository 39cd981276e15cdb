import java.nio.file.Path;
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
 * rows for {@code user1..userM} that expire in the year 2999. Runs on the H2 and Flyway jars
 * the directory ships with.
 *
 * <p>Usage: {@code Seed --db DIR --migrations DIR --accounts N --online M --hash BCRYPT}
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
}
