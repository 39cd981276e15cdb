package dev.p2pchat.peer.e2e;

import dev.p2pchat.directory.DirectoryApplication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The real directory service, in this JVM, on a random port and a private in-memory database. */
final class Directory implements AutoCloseable {

    private final ConfigurableApplicationContext app;
    private final String url;

    private Directory(ConfigurableApplicationContext app, String scheme) {
        this.app = app;
        this.url = scheme + "://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    /** Starts a directory; {@code extra} "--key=value" arguments replace the defaults of the same key. */
    static Directory start(String... extra) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String argument : List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.datasource.url=jdbc:h2:mem:e2e-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--directory.bcrypt.cost=4", "--logging.level.root=WARN", "--spring.main.banner-mode=off",
                // the tests' many peers all come from 127.0.0.1, far beyond one person's budgets
                "--directory.throttle.failed-logins=1000000", "--directory.throttle.registrations=1000000",
                // metrics on a port of their own, chosen at random so that test runs never collide
                "--management.server.port=0",
                // the relay on a random port too
                "--directory.relay.port=0")) {
            properties.put(argument.substring(0, argument.indexOf('=')), argument);
        }
        for (String argument : extra) {
            properties.put(argument.substring(0, argument.indexOf('=')), argument);
        }
        List<String> args = new ArrayList<>(properties.values());
        ConfigurableApplicationContext app = new SpringApplicationBuilder(DirectoryApplication.class)
                .logStartupInfo(false)
                .run(args.toArray(String[]::new));
        boolean https = app.getEnvironment().getProperty("server.ssl.bundle") != null;
        return new Directory(app, https ? "https" : "http");
    }

    String url() {
        return url;
    }

    /** SQL on the directory's database, for tests that stage what peers could not (an unreachable port). */
    org.springframework.jdbc.core.JdbcTemplate jdbc() {
        return app.getBean(org.springframework.jdbc.core.JdbcTemplate.class);
    }

    /** A bean of the directory, for tests that look at what no API shows (metrics, the presence store). */
    <T> T bean(Class<T> type) {
        return app.getBean(type);
    }

    @Override
    public void close() {
        app.close();
    }
}
