package dev.p2pchat.directory;

import org.junit.jupiter.api.Test;

/** The same REST walk-through as on H2, on PostgreSQL: the migrations and queries hold on both. */
class WalkthroughPostgresIT {

    @Test
    void everyCallAndEveryDocumentedStatusOnPostgres() throws Exception {
        try (PostgresInstances postgres = new PostgresInstances()) {
            Walkthrough.everyCallAndEveryDocumentedStatus(new ContractClient(postgres.start(Walkthrough.SETTINGS)));
        }
    }
}
