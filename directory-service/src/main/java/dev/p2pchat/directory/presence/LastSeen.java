package dev.p2pchat.directory.presence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps accounts' {@code last_seen} (the durable "when was this peer last online") from presence
 * that ended without a logout: expired entries and, for a store that does not outlive the
 * instance, every entry at shutdown. Renewals never write it, so presence costs no durable
 * commit; batches of {@value #BATCH} rows, one transaction each. A later time never goes back.
 */
@Component
class LastSeen {

    static final int BATCH = 500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    LastSeen(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    void record(Collection<Presence> ended) {
        List<Presence> all = List.copyOf(ended);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<Presence> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            transactions.executeWithoutResult(status -> jdbc.batchUpdate(
                    "update account set last_seen = ? where id = ? and (last_seen is null or last_seen < ?)",
                    batch, BATCH, (statement, entry) -> {
                        OffsetDateTime seen = OffsetDateTime.ofInstant(entry.updatedAt(), ZoneOffset.UTC);
                        statement.setObject(1, seen);
                        statement.setLong(2, entry.accountId());
                        statement.setObject(3, seen);
                    }));
        }
    }
}
