package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real peer against the real directory's signalling channel and relay: a listener whose
 * advertised port cannot be dialled is still reached, because the dialer asks it through the
 * directory to meet, and it dials back (docs/PROTOCOL.md, sections 12 and 13).
 */
class SignallingEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
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
    void aListenerWhosePortCannotBeDialledIsReachedThroughTheSignallingChannel() throws Exception {
        Peer alice = new Peer("alice-sig", tmp.resolve("alice"), directory.url());
        Peer bob = new Peer("bob-sig", tmp.resolve("bob"), directory.url());
        assertThat(alice.registerAndLogin().exit()).isZero();
        assertThat(bob.registerAndLogin().exit()).isZero();
        Peer.Running bobListens = bob.start("listen", "--once", "--renew-interval", "3600");
        await().atMost(WAIT).until(() -> bobListens.err().contains("Online as") || bobListens.exit().isDone());
        await().atMost(WAIT).until(() -> directory.jdbc().queryForObject(
                "select count(*) from signal_listener", Integer.class) == 1);
        int closed;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = unused.getLocalPort();
        }
        directory.jdbc().update("update presence set port = ? where username_key = ?", closed, "bob-sig");

        Peer.Result chat = alice.run("hi through the back door\nclose\n", "chat", bob.name(), "--explain");

        assertThat(chat.exit()).as(chat.err()).isZero();
        assertThat(chat.err()).contains("agreed to meet").contains("this path won")
                .contains("seen as 127.0.0.1:");
        assertThat(bobListens.waitFor(WAIT)).isZero();
        assertThat(bobListens.out()).contains(alice.name() + ": hi through the back door");
    }
}
