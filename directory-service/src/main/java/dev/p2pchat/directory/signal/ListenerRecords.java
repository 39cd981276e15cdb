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
 * (account, instance) while that instance holds a listening channel of the account, and one
 * {@code signal_instance} row per instance, its heartbeat, valid until {@code expires_at}. Each
 * instance renews its heartbeat every ping interval (one row, however many channels it holds),
 * inserts a listener row when a user's first listening channel opens here and deletes it when the
 * last one closes; the rows of an instance that died stop counting when its heartbeat expires
 * (after the idle timeout), and the housekeeping purges them. The lookup's {@code signal} is "a
 * listener row whose instance's heartbeat has not expired exists".
 */
final class ListenerRecords implements SignalRouter.Listeners {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration ttl;
    private final String instance = UUID.randomUUID().toString();
    private volatile boolean beating;

    ListenerRecords(JdbcTemplate jdbc, Clock clock, Duration ttl) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.ttl = ttl;
    }

    @Override
    public void started(long accountId) {
        if (!beating) {
            renewAll();
        }
        try {
            jdbc.update("insert into signal_listener (account_id, instance_id) values (?, ?)", accountId, instance);
        } catch (DataIntegrityViolationException already) {
            // a channel of the account was opened here at the same moment: one row is enough
        }
    }

    @Override
    public void stopped(long accountId) {
        jdbc.update("delete from signal_listener where account_id = ? and instance_id = ?", accountId, instance);
    }

    /**
     * Renews this instance's heartbeat, which every listener row of it counts by: one row. True
     * when there was none to renew, or it had expired: it lapsed (a database outage, a long pause) and the
     * housekeeping may have purged this instance's listener rows with it, so the caller writes
     * them again for the channels it holds.
     */
    @Override
    public boolean renewAll() {
        Instant now = clock.instant();
        Timestamp until = Timestamp.from(now.plus(ttl));
        boolean lapsed = false;
        // renewed only while it has not expired: an expired one may already have cost us our rows
        if (jdbc.update("update signal_instance set expires_at = ? where instance_id = ? and expires_at > ?",
                until, instance, Timestamp.from(now)) == 0) {
            lapsed = beating;
            if (jdbc.update("update signal_instance set expires_at = ? where instance_id = ?", until, instance) == 0) {
                try {
                    jdbc.update("insert into signal_instance (instance_id, expires_at) values (?, ?)", instance, until);
                } catch (DataIntegrityViolationException raced) {
                    jdbc.update("update signal_instance set expires_at = ? where instance_id = ?", until, instance);
                }
            }
        }
        beating = true;
        return lapsed;
    }

    /** True when some instance holds a listening channel of the user with this lower-case key. */
    @Override
    public boolean listening(String usernameKey) {
        Instant now = clock.instant();
        Integer found = jdbc.query("""
                select 1 from signal_listener s
                  join account a on a.id = s.account_id
                  join signal_instance i on i.instance_id = s.instance_id
                 where a.username_key = ? and i.expires_at > ? fetch first 1 rows only
                """, rs -> rs.next() ? 1 : null, usernameKey, Timestamp.from(now));
        return found != null;
    }

    /** Forgets this instance's rows (at shutdown). */
    @Override
    public void forgetAll() {
        jdbc.update("delete from signal_listener where instance_id = ?", instance);
        jdbc.update("delete from signal_instance where instance_id = ?", instance);
        beating = false;
    }
}
