package dev.p2pchat.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL under load on the embedded H2 file: nothing acknowledged is lost. This holds because
 * the JDBC URL sets WRITE_DELAY=0 (H2's default delays writes by up to half a second).
 */
class CrashDurabilityTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path logs;

    @Test
    void everyAcknowledgedRegistrationAndLockSurvivesAKill9OnH2() throws Exception {
        CrashDrill.Outcome outcome = new CrashDrill(logs, "directory.data-dir=" + dataDir).run(Duration.ofSeconds(4));

        assertThat(outcome.acknowledgedAccounts()).isPositive();
        assertThat(outcome.acknowledgedLocks()).isPositive();
        System.out.printf("H2 crash drill: %d requests, %d acknowledged accounts, %d acknowledged locks, none lost%n",
                outcome.requests(), outcome.acknowledgedAccounts(), outcome.acknowledgedLocks());
    }
}
