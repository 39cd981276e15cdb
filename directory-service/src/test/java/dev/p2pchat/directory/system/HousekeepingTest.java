package dev.p2pchat.directory.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.MutableClock;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

@DataJpaTest
@ActiveProfiles("test")
@Import({Housekeeping.class, HousekeepingTest.Config.class})
class HousekeepingTest {

    static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    @TestConfiguration
    static class Config {
        @Bean
        Clock clock() {
            return new MutableClock(NOW);
        }
    }

    @Autowired
    Housekeeping housekeeping;

    @Autowired
    JdbcTemplate jdbc;

    private void account(long id) {
        jdbc.update("insert into account (id, username, username_key, password_hash, created_at) values (?, ?, ?, 'x', ?)",
                id, "user" + id, "user" + id, Timestamp.from(NOW));
    }

    @Test
    void expiredTokensGoInBatchesAndLiveOnesStay() {
        int expired = Housekeeping.BATCH * 2 + 3;
        for (long id = 1; id <= expired + 1; id++) {
            account(id);
            Instant expiresAt = id <= expired ? NOW.minusSeconds(1) : NOW.plusSeconds(60);
            jdbc.update("insert into session_token (token_hash, account_id, created_at, expires_at) values (?, ?, ?, ?)",
                    String.format("%064d", id), id, Timestamp.from(NOW), Timestamp.from(expiresAt));
        }

        housekeeping.purgeExpired();

        assertThat(jdbc.queryForObject("select count(*) from session_token", Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select account_id from session_token", Long.class)).isEqualTo(expired + 1L);
    }
}
