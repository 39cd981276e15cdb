package dev.p2pchat.directory.system;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes expired token hashes and the listener rows of instances that stopped without saying
 * so (signal/ListenerRecords) every minute (expired presence: presence/PresenceExpiry), in bounded batches so that no single statement locks much. Every instance runs it;
 * deleting what another instance already deleted is harmless.
 */
@Component
public class Housekeeping {

    static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public Housekeeping(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Scheduled(initialDelayString = "${directory.purge.interval:60s}", fixedDelayString = "${directory.purge.interval:60s}")
    public void purgeExpired() {
        Instant now = clock.instant();
        int tokens = purge("""
                delete from session_token where token_hash in (
                    select token_hash from session_token where expires_at < ? order by token_hash fetch first %d rows only)
                """.formatted(BATCH), now);
        int listeners = purgeListenersOfDeadInstances(now);
        int instances = purge("""
                delete from signal_instance where instance_id in (
                    select instance_id from signal_instance where expires_at < ? order by instance_id fetch first %d rows only)
                """.formatted(BATCH), now);
        if (tokens + listeners + instances > 0) {
            log.info("Purged {} expired tokens, and {} listener rows of {} instances gone", tokens, listeners, instances);
        }
    }

    /**
     * The listener rows of instances whose heartbeat expired (or never was), a batch at a time by
     * account, per instance: the instances that hold rows are few, and each batch is one indexed
     * range. (One statement that picked the rows with {@code (account_id, instance_id) IN (SELECT
     * ... WHERE NOT EXISTS ...)} ran its subquery once per row on H2: quadratic, a core for most of
     * every minute at 17,500 listening channels.)
     */
    private int purgeListenersOfDeadInstances(Instant now) {
        Timestamp at = Timestamp.from(now);
        Set<String> dead = new HashSet<>(jdbc.queryForList("select distinct instance_id from signal_listener", String.class));
        dead.removeAll(jdbc.queryForList("select instance_id from signal_instance where expires_at >= ?", String.class, at));
        int total = 0;
        for (String instance : dead) {
            List<Long> batch;
            int deleted;
            long after = Long.MIN_VALUE; // keyset paging: each batch starts past the last, never over rows deleted before
            do {
                batch = jdbc.queryForList("""
                        select account_id from signal_listener where instance_id = ? and account_id > ?
                         order by account_id fetch first %d rows only""".formatted(BATCH), Long.class, instance, after);
                if (batch.isEmpty()) {
                    break;
                }
                long last = batch.get(batch.size() - 1);
                // that range, unless the instance beat again meanwhile (it keeps its rows then)
                deleted = jdbc.update("""
                        delete from signal_listener where instance_id = ? and account_id > ? and account_id <= ?
                           and not exists (select 1 from signal_instance where instance_id = ? and expires_at >= ?)""",
                        instance, after, last, instance, at);
                total += deleted;
                after = last;
            } while (deleted > 0 && batch.size() == BATCH);
        }
        return total;
    }

    /** Runs a bounded delete until a batch comes back short. */
    private int purge(String sql, Instant now) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update(sql, Timestamp.from(now));
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
