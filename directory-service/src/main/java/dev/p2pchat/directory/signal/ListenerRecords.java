package dev.p2pchat.directory.signal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who has a listening channel open, shared by every instance: one {@code signal_listener} row per
 * (account, instance) while that instance holds a listening channel of the account, valid until
 * {@code expires_at}. Each instance renews its rows every ping interval and deletes them when the
 * last such channel closes; the rows of an instance that died expire by themselves (after the
 * idle timeout). The lookup's {@code signal} is "a row that has not expired exists".
 */
final class ListenerRecords implements SignalRouter.Listeners {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration ttl;
    private final String instance = UUID.randomUUID().toString();

    ListenerRecords(JdbcTemplate jdbc, Clock clock, Duration ttl) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.ttl = ttl;
    }

    @Override
    public void started(long accountId) {
        Timestamp until = Timestamp.from(clock.instant().plus(ttl));
        if (renew(accountId, until) == 0) {
            try {
                jdbc.update("insert into signal_listener (account_id, instance_id, expires_at) values (?, ?, ?)",
                        accountId, instance, until);
            } catch (DataIntegrityViolationException raced) {
                renew(accountId, until);
            }
        }
    }

    private int renew(long accountId, Timestamp until) {
        return jdbc.update("update signal_listener set expires_at = ? where account_id = ? and instance_id = ?",
                until, accountId, instance);
    }

    @Override
    public void stopped(long accountId) {
        jdbc.update("delete from signal_listener where account_id = ? and instance_id = ?", accountId, instance);
    }

    /** Renews every row of this instance, in one statement. */
    @Override
    public void renewAll() {
        jdbc.update("update signal_listener set expires_at = ? where instance_id = ?",
                Timestamp.from(clock.instant().plus(ttl)), instance);
    }

    /** True when some instance holds a listening channel of the user with this lower-case key. */
    @Override
    public boolean listening(String usernameKey) {
        Instant now = clock.instant();
        Integer found = jdbc.query("""
                select 1 from signal_listener s join account a on a.id = s.account_id
                 where a.username_key = ? and s.expires_at > ? fetch first 1 rows only
                """, rs -> rs.next() ? 1 : null, usernameKey, Timestamp.from(now));
        return found != null;
    }

    /** Forgets this instance's rows (at shutdown). */
    @Override
    public void forgetAll() {
        jdbc.update("delete from signal_listener where instance_id = ?", instance);
    }
}
