package dev.p2pchat.directory.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.account.AccountRepository;
import dev.p2pchat.directory.session.AuthenticatedUser;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The presence contract on the in-memory store (the embedded default), accounts on H2. */
@DataJpaTest
@ActiveProfiles("test")
class MemoryPresenceStoreTest extends PresenceContract {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JdbcClient jdbcClient;

    @Autowired
    AccountRepository accounts;

    @Autowired
    PlatformTransactionManager transactionManager;

    private MemoryPresenceStore store;

    @Override
    protected PresenceStore freshStore() {
        store = new MemoryPresenceStore();
        return store;
    }

    @Override
    protected JdbcTemplate jdbc() {
        return jdbc;
    }

    @Override
    protected JdbcClient jdbcClient() {
        return jdbcClient;
    }

    @Override
    protected AccountRepository accounts() {
        return accounts;
    }

    @Override
    protected TransactionTemplate transactions() {
        return new TransactionTemplate(transactionManager);
    }

    @Test
    void stoppingKeepsTheLastRenewalOfThoseOnlineAsTheirLastSeen() {
        AuthenticatedUser alice = user("alice");
        presence().goOnline(alice, "127.0.0.1", 7000);
        Instant renewedAt = clock.instant();
        clock.advance(Duration.ofSeconds(10));

        expiry().keepLastSeenOfThoseOnline();

        assertThat(lastSeenColumn(alice)).isEqualTo(renewedAt);
        assertThat(store.lostOnStop()).hasSize(1);
    }
}
