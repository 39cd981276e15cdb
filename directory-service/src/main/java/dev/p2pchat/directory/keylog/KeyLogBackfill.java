package dev.p2pchat.directory.keylog;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accounts that had a key before the key log existed (a directory upgraded in place) get their
 * {@code first} entry at start-up, before the readiness probe says the instance is ready (the
 * port already answers): peers that keep a log refuse a key without a proof, so such accounts
 * would otherwise be unreachable until their next login. In account order (keyset paging),
 * {@value #BATCH} per transaction so that logins on instances already serving wait at most one
 * short batch for the log's lock; several instances starting at once append each account once
 * (the append decides under that lock).
 */
@Component
class KeyLogBackfill implements ApplicationRunner {

    static final int BATCH = 100;

    private static final Logger log = LoggerFactory.getLogger(KeyLogBackfill.class);

    private record Unlogged(long id, String usernameKey, String fingerprint) {
    }

    private final JdbcClient jdbc;
    private final KeyLog keyLog;
    private final TransactionTemplate transactions;

    KeyLogBackfill(JdbcClient jdbc, KeyLog keyLog, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.keyLog = keyLog;
        this.transactions = transactions;
    }

    @Override
    public void run(ApplicationArguments args) {
        long appended = 0;
        long after = 0;
        while (true) {
            List<Unlogged> batch = jdbc.sql("""
                    SELECT a.id, a.username_key, a.fingerprint FROM account a
                     WHERE a.id > ? AND a.fingerprint IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM key_log_entry e WHERE e.username_key = a.username_key)
                     ORDER BY a.id LIMIT ?
                    """).params(after, BATCH).query(Unlogged.class).list();
            if (batch.isEmpty()) {
                break;
            }
            after = batch.get(batch.size() - 1).id();
            Long added = transactions.execute(status -> {
                long count = 0;
                for (Unlogged account : batch) {
                    count += keyLog.append(account.usernameKey(), latest -> latest.isEmpty()
                            ? new KeyLog.Draft(LogEntry.Kind.FIRST, account.fingerprint(), null, null, null)
                            : null).isPresent() ? 1 : 0;
                }
                return count;
            });
            appended += added == null ? 0 : added;
        }
        if (appended > 0) {
            log.info("Key log: added the first key of {} accounts that had one before the log existed", appended);
        }
    }
}
