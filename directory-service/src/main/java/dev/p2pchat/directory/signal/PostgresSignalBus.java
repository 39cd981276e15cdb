package dev.p2pchat.directory.signal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The bus between instances sharing one PostgreSQL database: {@code NOTIFY p2pchat_signal} with
 * the envelope as payload, sent through the normal pool ({@code select pg_notify(?, ?)}), and
 * one dedicated connection per instance that {@code LISTEN}s, read by one thread, reconnected
 * (1 s, 2 s, ... at most 10 s apart) when it breaks. PostgreSQL delivers a notification to every
 * listening session, the sender's instance included, in the order of commit; what is sent while an
 * instance's listening connection is down is lost to that instance. A connection that died without
 * a word (a half-open TCP connection never fails a poll) is found by a query every
 * {@value #CHECK_SECONDS} s that must answer within {@value #CHECK_SECONDS} s.
 */
final class PostgresSignalBus implements SignalBus {

    static final String CHANNEL = "p2pchat_signal";
    /** PostgreSQL refuses payloads of 8000 bytes or more. */
    static final int MAX_PAYLOAD_BYTES = 7999;
    private static final Logger log = LoggerFactory.getLogger(PostgresSignalBus.class);
    private static final int POLL_MILLIS = 500;
    static final int CHECK_SECONDS = 10;

    private final JdbcTemplate jdbc;
    private final String url;
    private final String username;
    private final String password;
    private final Thread listener;
    private volatile Consumer<Envelope> receiver = envelope -> { };
    private volatile Runnable resumed = () -> { };
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile boolean listening;

    PostgresSignalBus(JdbcTemplate jdbc, String url, String username, String password) {
        this.jdbc = jdbc;
        this.url = url;
        this.username = username;
        this.password = password;
        this.listener = new Thread(() -> {
            try {
                listen();
            } finally {
                listening = false; // whatever ended the thread, nobody listens any more
            }
        }, "signal-listen");
        this.listener.setDaemon(true);
    }

    void start() {
        listener.start();
    }

    /** True while the LISTEN connection is up (for tests and the log). */
    boolean listening() {
        return listening;
    }

    @Override
    public void publish(Envelope envelope) {
        String payload = envelope.toJson();
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            log.warn("A signal of {} characters is too large for NOTIFY; dropped", payload.length());
            return;
        }
        jdbc.query("select pg_notify(?, ?)", rs -> null, CHANNEL, payload);
    }

    @Override
    public void subscribe(Consumer<Envelope> receiver, Runnable resumed) {
        this.receiver = receiver;
        this.resumed = resumed;
    }

    @Override
    public boolean shared() {
        return true;
    }

    private void listen() {
        Duration backoff = Duration.ofSeconds(1);
        boolean failed = true; // until the first LISTEN, what was sent is lost to this instance too
        Properties settings = new Properties();
        if (username != null) {
            settings.setProperty("user", username);
        }
        if (password != null) {
            settings.setProperty("password", password);
        }
        settings.setProperty("socketTimeout", Integer.toString(CHECK_SECONDS));
        settings.setProperty("tcpKeepAlive", "true");
        while (!closed) {
            try (Connection open = DriverManager.getConnection(url, settings)) {
                // whatever the URL says (its parameters win over the properties above): a dead peer
                // must fail the check below, not block it for good
                open.setNetworkTimeout(Runnable::run, (int) TimeUnit.SECONDS.toMillis(CHECK_SECONDS));
                connection = open;
                try (Statement statement = open.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                if (backoff.toSeconds() > 1) {
                    log.info("Signalling bus: listening again");
                }
                listening = true;
                if (failed) {
                    // what was sent before this LISTEN is lost to this instance: until the catch-up
                    // has run, it may honour revoked tokens; if it fails (the database), the
                    // connection is dropped and the catch-up runs again after the backoff
                    resumed.run();
                    failed = false;
                }
                backoff = Duration.ofSeconds(1);
                PGConnection notifications = open.unwrap(PGConnection.class);
                long checked = System.nanoTime();
                while (!closed) {
                    if (System.nanoTime() - checked > TimeUnit.SECONDS.toNanos(CHECK_SECONDS)) {
                        try (Statement statement = open.createStatement()) {
                            statement.execute("select 1"); // times out after socketTimeout on a dead connection
                        }
                        checked = System.nanoTime();
                    }
                    PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
                    if (received == null) {
                        continue;
                    }
                    for (PGNotification notification : received) {
                        deliver(notification.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                failed = true;
                if (closed) {
                    return;
                }
                log.warn("Signalling bus: listening failed ({}); again in {} s", e.getMessage(), backoff.toSeconds());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
                        : backoff.multipliedBy(2);
            }
        }
        listening = false;
    }

    private void deliver(String payload) {
        Envelope envelope = Envelope.parse(payload);
        if (envelope == null) {
            log.warn("Signalling bus: a notification that is not an envelope was ignored");
            return;
        }
        try {
            receiver.accept(envelope);
        } catch (RuntimeException e) {
            log.error("Signalling bus: delivering an envelope failed", e);
        }
    }

    /** For tests: breaks the LISTEN connection as a network failure would. */
    void breakConnection() throws SQLException {
        Connection open = connection;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        try {
            listener.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
