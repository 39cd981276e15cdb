package dev.p2pchat.directory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Directory instances on the real PostgreSQL (profile {@code postgres}), all sharing one fresh
 * schema that is dropped afterwards. Without a reachable PostgreSQL the calling test is skipped
 * with a message saying how to run it, except in CI ({@code CI=true}), where it fails: a CI run
 * must not go green having run none of these tests. {@code P2PCHAT_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}) and {@code P2PCHAT_TEST_POSTGRES_USER}
 * ({@code postgres}) choose the server.
 */
public final class PostgresInstances implements AutoCloseable {

    static final String URL = env("P2PCHAT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = env("P2PCHAT_TEST_POSTGRES_USER", "postgres");

    private final String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
            .toLowerCase(Locale.ROOT);
    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    public PostgresInstances() {
        try (Connection ignored = connect()) {
            // reachable
        } catch (SQLException e) {
            unreachable(System.getenv("CI"), e.getMessage());
        }
    }

    /** Skips the calling test, or fails it when {@code ci} is "true". */
    static void unreachable(String ci, String reason) {
        String message = "PostgreSQL is not reachable at " + URL + " as " + USER + " (" + reason + ")";
        if ("true".equalsIgnoreCase(ci)) {
            Assertions.fail(message + ": with CI=true the PostgreSQL tests must run, not be skipped.");
        }
        Assumptions.abort(message + ": skipped. Start PostgreSQL and run .ci/run, or "
                + "./mvnw -pl directory-service -am -Ppostgres-it verify");
    }

    private static Connection connect() throws SQLException {
        DriverManager.setLoginTimeout(3);
        return DriverManager.getConnection(URL, USER, "");
    }

    /** The settings that put a directory on the shared schema, as key=value. */
    String[] settings() {
        return new String[] {"spring.profiles.active=postgres",
                "spring.datasource.url=" + URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "spring.datasource.username=" + USER, "spring.datasource.password=", "spring.flyway.schemas=" + schema};
    }

    /** Starts one more instance on the shared schema; returns its HTTP port. */
    public int start(String... settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String setting : settings()) {
            properties.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        properties.put("server.port", "0");
        properties.put("server.address", "127.0.0.1");
        properties.put("directory.bcrypt.cost", "4");
        // the tests register and log in from one address far more than a person would
        properties.put("directory.throttle.failed-logins", "1000000");
        properties.put("directory.throttle.registrations", "1000000");
        properties.put("management.server.port", "0");
        properties.put("directory.relay.port", "0");
        properties.put("logging.level.root", "WARN");
        properties.put("spring.main.banner-mode", "off");
        for (String setting : settings) {
            properties.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext app = new SpringApplicationBuilder(DirectoryApplication.class)
                .logStartupInfo(false).run(args.toArray(String[]::new));
        instances.add(app);
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    ConfigurableApplicationContext app(int instance) {
        return instances.get(instance);
    }

    public <T> T bean(int instance, Class<T> type) {
        return instances.get(instance).getBean(type);
    }

    /** SQL on the shared schema (through the first instance's pool). */
    public JdbcTemplate jdbc() {
        return instances.get(0).getBean(JdbcTemplate.class);
    }

    @Override
    public void close() throws SQLException {
        for (ConfigurableApplicationContext app : instances) {
            app.close();
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
