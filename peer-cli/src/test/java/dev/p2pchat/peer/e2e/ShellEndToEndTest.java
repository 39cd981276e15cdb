package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guided console of the original program, driven through a pipe. */
class ShellEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static Directory directory;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startDirectory() {
        directory = Directory.start();
    }

    @AfterAll
    static void stopDirectory() {
        directory.close();
    }

    @Test
    void aNewUserWhoseNameIsTakenIsAskedAgainThenGoesOnlineListsAndQuits() throws Exception {
        Peer taken = new Peer("taken", tmp.resolve("taken"), directory.url());
        assertThat(taken.registerAndLogin().exit()).isZero();
        Peer newcomer = new Peer("newcomer", tmp.resolve("newcomer"), directory.url());

        Peer.Result shell = newcomer.run("y\nTAKEN\nsome password\nsome password\nnewcomer\nshort\n"
                + "some password\nanother password\nsome password\nsome password\n\nl\nq\n");

        assertThat(shell.exit()).as(shell.err()).isZero();
        assertThat(shell.err()).contains("Are you a new user?")
                .contains("the username 'TAKEN' is taken; choose another")
                .contains("Repeat password:")
                .contains("Invalid password: it must be 8 to 72 bytes.")
                .contains("The passwords do not match; try again.")
                .contains("Registered newcomer")
                .contains("Online as newcomer")
                .contains("  newcomer  (you)");
    }

    @Test
    void aRegisteredUserConnectsWithCAndChats() throws Exception {
        Peer dave = new Peer("dave", tmp.resolve("dave"), directory.url());
        Peer carol = new Peer("carol", tmp.resolve("carol"), directory.url());
        assertThat(dave.registerAndLogin().exit()).isZero();
        assertThat(carol.run("carol password\n", "register", "-u", "carol", "--password-stdin").exit()).isZero();
        Peer.Running daveListens = dave.start("listen", "--once");
        await().atMost(WAIT).until(() -> daveListens.err().contains("Online as dave"));

        Peer.Running shell = carol.start("shell");
        shell.type("n");
        shell.type("carol");
        shell.type("wrong password");
        shell.type("carol");
        shell.type("carol password");
        shell.type("");
        await().atMost(WAIT).until(() -> shell.err().contains("Online as carol"));
        shell.type("c dave");
        await().atMost(WAIT).until(() -> daveListens.err().contains("carol connected"));
        shell.type("hello from the shell");
        await().atMost(WAIT).until(() -> daveListens.out().contains("carol: hello from the shell"));
        daveListens.type("hi carol");
        await().atMost(WAIT).until(() -> shell.out().contains("dave: hi carol"));
        shell.type("close");
        assertThat(daveListens.waitFor(WAIT)).isZero();
        shell.type("q");

        assertThat(shell.waitFor(WAIT)).isZero();
        assertThat(shell.err()).contains("Wrong username or password; try again.");
    }

    @Test
    void theShellIsWhatRunsWithoutACommand() throws Exception {
        Peer erin = new Peer("erin", tmp.resolve("erin"), directory.url());

        Peer.Result shell = erin.run("y\nerin\nerin password\nerin password\n\nq\n");

        assertThat(shell.exit()).as(shell.err()).isZero();
        assertThat(shell.err()).contains("Online as erin");
    }
}
