package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory's per-address throttle, as a user of the CLI meets it. */
class ThrottleEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void aThrottledLoginSaysWhyAndWhenToTryAgain() {
        try (Directory directory = Directory.start("--directory.throttle.failed-logins=2")) {
            Peer alice = new Peer("alice", tmp.resolve("alice"), directory.url());
            assertThat(alice.run("correct horse\n", "register", "-u", "alice", "--password-stdin").exit()).isZero();

            for (int i = 0; i < 2; i++) {
                assertThat(alice.run("wrong guess!\n", "login", "-u", "alice", "--password-stdin").exit()).isEqualTo(4);
            }
            Peer.Result third = alice.run("correct horse\n", "login", "-u", "alice", "--password-stdin");

            assertThat(third.exit()).isEqualTo(3);
            assertThat(third.err().strip()).matches("p2pchat: the directory takes no more failed logins from your "
                    + "address for now; try again in \\d+ s");
        }
    }
}
