package dev.p2pchat.directory.system;

import java.time.Clock;
import java.time.Instant;
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
        // listener rows of instances whose heartbeat expired (or never was), then those heartbeats
        int listeners = purge("""
                delete from signal_listener where (account_id, instance_id) in (
                    select s.account_id, s.instance_id from signal_listener s
                     where not exists (select 1 from signal_instance i
                                        where i.instance_id = s.instance_id and i.expires_at >= ?)
                     order by s.account_id, s.instance_id fetch first %d rows only)
                """.formatted(BATCH), now);
        int instances = purge("""
                delete from signal_instance where instance_id in (
                    select instance_id from signal_instance where expires_at < ? order by instance_id fetch first %d rows only)
                """.formatted(BATCH), now);
        if (tokens + listeners + instances > 0) {
            log.info("Purged {} expired tokens, and {} listener rows of {} instances gone", tokens, listeners, instances);
        }
    }

    /** Runs a bounded delete until a batch comes back short. */
    private int purge(String sql, Instant now) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update(sql, java.sql.Timestamp.from(now));
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
