package dev.p2pchat.directory.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.MutableClock;
import dev.p2pchat.directory.system.Housekeeping;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Who listens, across instances, on the real schema: a listener row counts while its instance's
 * heartbeat lasts, however many rows the instance holds, and the housekeeping purges what a dead
 * instance left.
 */
@DataJpaTest
@ActiveProfiles("test")
class ListenerRecordsTest {

    private static final Duration TTL = Duration.ofSeconds(60);

    @Autowired
    JdbcTemplate jdbc;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private ListenerRecords here;
    private ListenerRecords there;

    @BeforeEach
    void twoInstancesAndThreeAccounts() {
        here = new ListenerRecords(jdbc, clock, TTL);
        there = new ListenerRecords(jdbc, clock, TTL);
        for (long id = 1; id <= 3; id++) {
            jdbc.update("insert into account (id, username, username_key, password_hash, created_at) values (?, ?, ?, 'x', ?)",
                    id, "user" + id, "user" + id, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        }
    }

    private long heartbeatWrites() {
        return jdbc.queryForObject("select count(*) from signal_instance", Long.class);
    }

    @Test
    void aListenerCountsWhileItsInstanceBeatsAndARenewalWritesOneRowForAll() {
        here.started(1);
        here.started(2);
        here.started(2); // a second channel of the same user: still one row
        assertThat(here.listening("user1")).isTrue();
        assertThat(there.listening("user2")).as("seen from every instance").isTrue();
        assertThat(here.listening("user3")).isFalse();
        assertThat(jdbc.queryForObject("select count(*) from signal_listener", Long.class)).isEqualTo(2);

        clock.advance(TTL.minusSeconds(1));
        here.renewAll();
        clock.advance(TTL.minusSeconds(1));
        assertThat(here.listening("user1")).as("kept by the heartbeat alone").isTrue();
        assertThat(heartbeatWrites()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        assertThat(there.listening("user1")).as("the instance stopped beating").isFalse();

        here.stopped(1);
        here.renewAll();
        assertThat(here.listening("user1")).isFalse();
        assertThat(here.listening("user2")).isTrue();
    }

    @Test
    void theHousekeepingPurgesWhatADeadInstanceLeftAndKeepsTheLiving() {
        here.started(1);
        there.started(2);
        there.started(3);
        clock.advance(Duration.ofSeconds(50));
        here.renewAll();
        clock.advance(Duration.ofSeconds(20)); // "there" died 70 s ago

        new Housekeeping(jdbc, clock).purgeExpired();

        assertThat(jdbc.queryForList("select account_id from signal_listener", Long.class)).containsExactly(1L);
        assertThat(heartbeatWrites()).isEqualTo(1);
        assertThat(here.listening("user1")).isTrue();
    }

    /** More than one of the housekeeping's batches of 500 on each of two dead instances, beside a living one. */
    @Test
    void theHousekeepingPurgesManyRowsOfDeadInstancesInBatches() {
        ListenerRecords gone = new ListenerRecords(jdbc, clock, TTL);
        for (long id = 4; id <= 1_800; id++) {
            jdbc.update("insert into account (id, username, username_key, password_hash, created_at) values (?, ?, ?, 'x', ?)",
                    id, "user" + id, "user" + id, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        }
        for (long id = 1; id <= 1_800; id++) {
            (id % 3 == 0 ? here : id % 3 == 1 ? there : gone).started(id);
        }
        clock.advance(Duration.ofSeconds(50));
        here.renewAll();
        clock.advance(Duration.ofSeconds(20));

        new Housekeeping(jdbc, clock).purgeExpired();

        assertThat(jdbc.queryForObject("select count(*) from signal_listener", Long.class)).isEqualTo(600L);
        assertThat(jdbc.queryForObject("select count(*) from signal_listener where mod(account_id, 3) <> 0", Long.class))
                .isZero();
    }

    @Test
    void aStoppingInstanceForgetsItsRows() {
        here.started(1);
        there.started(2);

        here.forgetAll();

        assertThat(jdbc.queryForList("select account_id from signal_listener", Long.class)).containsExactly(2L);
        assertThat(there.listening("user2")).isTrue();
    }

    @Test
    void aHeartbeatThatExpiredOrWasPurgedSaysSoWhenRenewed() {
        here.started(1);
        assertThat(here.renewAll()).as("beating").isFalse();
        clock.advance(TTL.plusSeconds(1));
        assertThat(here.renewAll()).as("expired: its rows may be gone").isTrue();
        assertThat(here.renewAll()).isFalse();

        jdbc.update("delete from signal_instance");
        assertThat(here.renewAll()).as("purged").isTrue();
        assertThat(new ListenerRecords(jdbc, clock, TTL).renewAll()).as("an instance's first beat").isFalse();
    }
}
