package dev.p2pchat.directory.presence;

import dev.p2pchat.directory.account.AccountRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The presence contract with accounts on the test slice's H2; each store's test says only which store. */
@DataJpaTest
@ActiveProfiles("test")
abstract class H2PresenceContract extends PresenceContract {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JdbcClient jdbcClient;

    @Autowired
    AccountRepository accounts;

    @Autowired
    PlatformTransactionManager transactionManager;

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
}
