package dev.p2pchat.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL under load on the postgres profile: nothing acknowledged is lost. */
class CrashDurabilityPostgresIT {

    @TempDir
    Path logs;

    @Test
    void everyAcknowledgedRegistrationAndLockSurvivesAKill9OnPostgres() throws Exception {
        try (PostgresInstances postgres = new PostgresInstances()) {
            CrashDrill.Outcome outcome = new CrashDrill(logs, postgres.settings()).run(Duration.ofSeconds(4));

            assertThat(outcome.acknowledgedAccounts()).isPositive();
            assertThat(outcome.acknowledgedLocks()).isPositive();
            System.out.printf("PostgreSQL crash drill: %d requests, %d acknowledged accounts, %d acknowledged locks, "
                    + "none lost%n", outcome.requests(), outcome.acknowledgedAccounts(), outcome.acknowledgedLocks());
        }
    }
}
