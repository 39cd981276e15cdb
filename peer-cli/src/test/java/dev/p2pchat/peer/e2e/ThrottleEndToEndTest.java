package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void aListenerOverItsRenewalBudgetSaysSoAndKeepsListening() throws Exception {
        try (Directory directory = Directory.start("--directory.throttle.renewals=1",
                "--directory.throttle.renewals-per=1h")) {
            Peer bob = new Peer("bob", tmp.resolve("bob"), directory.url());
            assertThat(bob.registerAndLogin().exit()).isZero();

            // one renewal an hour: going online spends it, the next is refused
            Peer.Running listening = bob.start("listen", "--renew-interval", "1");

            await().atMost(Duration.ofSeconds(60)).until(() -> listening.err().contains("Could not renew presence"));
            assertThat(listening.err()).contains("Online as bob").containsPattern("Could not renew presence: the directory "
                    + "takes no more presence renewals from your account for now; try again in \\d+ s\\. Chats go on");
            Peer alice = new Peer("alice", tmp.resolve("alice"), directory.url());
            assertThat(alice.registerAndLogin().exit()).isZero();
            Peer.Result chat = alice.run("still there?\nclose\n", "chat", "bob");
            assertThat(chat.exit()).as(chat.err()).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> listening.out().contains("alice: still there?"));
            listening.type("/quit");
            assertThat(listening.waitFor(Duration.ofSeconds(60))).isZero();
        }
    }
}
