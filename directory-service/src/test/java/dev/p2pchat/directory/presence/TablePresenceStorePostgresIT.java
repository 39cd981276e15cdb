package dev.p2pchat.directory.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.PostgresInstances;
import dev.p2pchat.directory.account.AccountRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The presence contract on PostgreSQL, the backend for several instances: the table store on
 * the UNLOGGED {@code presence} table, through a directory started with the postgres profile
 * (its own scheduled purge is put off, so that only the tests move the clock).
 */
class TablePresenceStorePostgresIT extends PresenceContract {

    private static PostgresInstances postgres;

    @BeforeAll
    static void start() {
        postgres = new PostgresInstances();
        postgres.start("directory.purge.interval=1h");
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected PresenceStore freshStore() {
        assertThat(postgres.bean(0, PresenceStore.class).name()).as("the postgres profile's store").isEqualTo("table");
        return new TablePresenceStore(jdbcClient());
    }

    @Override
    protected JdbcTemplate jdbc() {
        return postgres.jdbc();
    }

    @Override
    protected JdbcClient jdbcClient() {
        return postgres.bean(0, JdbcClient.class);
    }

    @Override
    protected AccountRepository accounts() {
        return postgres.bean(0, AccountRepository.class);
    }

    @Override
    protected TransactionTemplate transactions() {
        return new TransactionTemplate(postgres.bean(0, PlatformTransactionManager.class));
    }

    @Test
    void theTableIsUnloggedAndTheDurableOnesAreNot() {
        assertThat(jdbc().queryForList("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = current_schema() and c.relkind = 'r' and c.relpersistence = 'u'
                """, String.class)).containsExactly("presence");
    }
}
