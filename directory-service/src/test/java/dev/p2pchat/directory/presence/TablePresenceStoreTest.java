package dev.p2pchat.directory.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.account.AccountRepository;
import dev.p2pchat.directory.session.AuthenticatedUser;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The presence contract on the table store, on H2 (the same SQL runs on PostgreSQL, where the
 * table is UNLOGGED: {@code TablePresenceStorePostgresIT}).
 */
@DataJpaTest
@ActiveProfiles("test")
class TablePresenceStoreTest extends PresenceContract {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JdbcClient jdbcClient;

    @Autowired
    AccountRepository accounts;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Override
    protected PresenceStore freshStore() {
        return new TablePresenceStore(jdbcClient);
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
    void theTableOutlivesTheInstance() {
        AuthenticatedUser alice = user("alice");
        presence().goOnline(alice, "127.0.0.1", 7000);

        expiry().keepLastSeenOfThoseOnline();

        assertThat(lastSeenColumn(alice)).as("other instances still serve the row").isNull();
        assertThat(presence().lookup("alice").online()).isTrue();
    }
}
