package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay rung with the real peer on loopback (where a direct connection would always win, so
 * the dialer is told to use the relay only): chat and a verified file go through it, and a relay
 * that alters one byte gets the session refused by TLS, never altered data delivered.
 */
class RelayEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Peer.Running listen(Peer peer) {
        Peer.Running listening;
        try {
            listening = peer.start("listen", "--once", "--accept", "auto");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        await().atMost(WAIT).until(() -> listening.err().contains("Online as") || listening.exit().isDone());
        return listening;
    }

    @Test
    void chatAndAVerifiedFileGoThroughTheRelay() throws Exception {
        try (Directory directory = Directory.start()) {
            Peer alice = new Peer("alice-relay", tmp.resolve("alice"), directory.url());
            Peer bob = new Peer("bob-relay", tmp.resolve("bob"), directory.url());
            assertThat(alice.registerAndLogin().exit()).isZero();
            assertThat(bob.registerAndLogin().exit()).isZero();
            Peer.Running bobListens = listen(bob);
            await().atMost(WAIT).until(() -> directory.jdbc().queryForObject(
                    "select count(*) from signal_listener", Integer.class) == 1);
            Path report = Files.write(tmp.resolve("report.bin"), new byte[300_000]);

            Peer.Running chat = alice.start("chat", bob.name(), "--explain", "--only-path", "relayed");
            await().atMost(WAIT).until(() -> chat.err().contains("Connected to") || chat.exit().isDone());
            assertThat(chat.err()).as(chat.err()).contains("(relayed, key");
            chat.type("hello through the relay");
            await().atMost(WAIT).until(() -> bobListens.out().contains("hello through the relay"));
            bobListens.type("and back");
            await().atMost(WAIT).until(() -> chat.out().contains("and back"));
            chat.type("/send " + report);
            await().atMost(WAIT).until(() -> chat.err().contains("SHA-256 verified by the receiver"));
            chat.type("close");

            assertThat(chat.waitFor(WAIT)).isZero();
            assertThat(bobListens.waitFor(WAIT)).isZero();
            assertThat(bob.home().resolve("downloads/report.bin")).hasSize(300_000);
        }
    }

    @Test
    void aRelayThatFlipsAByteNeverDeliversAlteredData() throws Exception {
        int relayPort = freePort();
        int proxyPort;
        AtomicBoolean flipped = new AtomicBoolean();
        try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Directory directory = Directory.start("--directory.relay.port=" + relayPort,
                     "--directory.relay.public-port=" + proxy.getLocalPort())) {
            proxyPort = proxy.getLocalPort();
            Thread accepting = new Thread(() -> tamper(proxy, relayPort, flipped), "tampering-relay");
            accepting.setDaemon(true);
            accepting.start();
            Peer alice = new Peer("alice-tamper", tmp.resolve("alice"), directory.url());
            Peer bob = new Peer("bob-tamper", tmp.resolve("bob"), directory.url());
            assertThat(alice.registerAndLogin().exit()).isZero();
            assertThat(bob.registerAndLogin().exit()).isZero();
            Peer.Running bobListens = listen(bob);
            await().atMost(WAIT).until(() -> directory.jdbc().queryForObject(
                    "select count(*) from signal_listener", Integer.class) == 1);
            byte[] content = new byte[200_000];
            new java.util.Random(7).nextBytes(content);
            Path file = Files.write(tmp.resolve("contract.bin"), content);

            Peer.Result send = alice.run("", "send", bob.name(), file.toString(), "--only-path", "relayed");

            assertThat(flipped).as("the proxy in front of relay port " + relayPort + " (announced as " + proxyPort
                    + ") altered a byte").isTrue();
            assertThat(send.exit()).as("the file was not confirmed: " + send.err()).isNotZero();
            assertThat(send.err()).doesNotContain("SHA-256 verified");
            await().atMost(WAIT).until(() -> bobListens.err().contains("lost") || bobListens.err().contains("failed")
                    || bobListens.exit().isDone());
            assertThat(bob.home().resolve("downloads/contract.bin")).as("nothing altered was ever published")
                    .doesNotExist();
            try (var partials = Files.list(bob.home().resolve("partials"))) {
                for (Path partial : partials.toList()) {
                    byte[] kept = Files.readAllBytes(partial);
                    assertThat(kept).as("a partial holds only bytes TLS vouched for")
                            .isEqualTo(java.util.Arrays.copyOf(content, kept.length));
                }
            }
            bobListens.type("/quit"); // unlike 'q', quits even while a session is still open
        }
    }

    /**
     * A relay in the middle: passes every connection on to the real relay, and in the dialer's
     * direction flips one bit of the 6,000th byte after its join line.
     */
    private static void tamper(ServerSocket proxy, int relayPort, AtomicBoolean flipped) {
        while (!proxy.isClosed()) {
            Socket client;
            try {
                client = proxy.accept();
            } catch (IOException closed) {
                return;
            }
            Thread pair = new Thread(() -> {
                try (Socket in = client; Socket out = new Socket(InetAddress.getLoopbackAddress(), relayPort)) {
                    Thread back = new Thread(() -> copy(out, in, -1, null), "tamper-back");
                    back.setDaemon(true);
                    back.start();
                    copy(in, out, 6_000, flipped);
                } catch (IOException ignored) {
                    // the session ends either way
                }
            }, "tamper-pair");
            pair.setDaemon(true);
            pair.start();
        }
    }

    private static void copy(Socket from, Socket to, long flipAt, AtomicBoolean flipped) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            long afterLine = -1;
            byte[] buffer = new byte[8192];
            int n;
            boolean isDialer = false;
            StringBuilder line = new StringBuilder();
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (afterLine < 0) {
                        if (buffer[i] == '\n') {
                            afterLine = 0;
                            isDialer = line.toString().endsWith(" dialer");
                        } else {
                            line.append((char) buffer[i]);
                        }
                    } else if (++afterLine == flipAt && isDialer && flipped != null) {
                        buffer[i] ^= 0x01;
                        flipped.set(true);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            // closed
        }
    }
}
