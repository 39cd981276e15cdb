package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of silent connections from one address against the real {@code p2pchat listen}: it
 * must not keep a real peer from another address out. Linux routes all of 127/8 to the
 * loopback interface, so 127.0.0.2 plays the attacking host.
 */
class ListenerFloodEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern PORT = Pattern.compile("listening on port (\\d+)");

    @TempDir
    Path tmp;

    @Test
    void sixtyFourSilentConnectionsFrom127_0_0_2DoNotStopARealPeerOn127_0_0_1() throws Exception {
        try (Directory directory = Directory.start()) {
            Peer alice = new Peer("alice", tmp.resolve("alice"), directory.url());
            Peer bob = new Peer("bob", tmp.resolve("bob"), directory.url());
            assertThat(alice.registerAndLogin().exit()).isZero();
            assertThat(bob.registerAndLogin().exit()).isZero();
            Peer.Running bobListens = bob.start("listen", "--once");
            await().atMost(WAIT).until(() -> bobListens.err().contains("Online as") || bobListens.exit().isDone());
            Matcher port = PORT.matcher(bobListens.err());
            assertThat(port.find()).as(bobListens.err()).isTrue();

            try (SilentFlood flood = new SilentFlood(InetAddress.getByName("127.0.0.2"),
                    new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1))), 64)) {
                await().atMost(WAIT).until(() -> flood.connected() >= 64);

                Peer.Result chat = alice.run("through the flood\nclose\n", "chat", bob.name());

                assertThat(chat.exit()).as(chat.err()).isZero();
                assertThat(bobListens.waitFor(WAIT)).isZero();
                assertThat(bobListens.out()).contains("alice: through the flood");
                assertThat(flood.reconnects()).as("the flood went on all along").isPositive();
            }
        }
    }

    /**
     * Keeps {@code size} TCP connections from {@code from} open to {@code target}, sending
     * nothing; one the listener closes is opened again after a short pause, as an attacker would.
     */
    private static final class SilentFlood implements AutoCloseable {
        private final InetAddress from;
        private final InetSocketAddress target;
        private final Socket[] sockets;
        private final AtomicInteger connected = new AtomicInteger();
        private final AtomicInteger reconnects = new AtomicInteger();
        private final Thread thread;
        private volatile boolean stopped;

        SilentFlood(InetAddress from, InetSocketAddress target, int size) throws IOException {
            this.from = from;
            this.target = target;
            this.sockets = new Socket[size];
            try (Socket probe = new Socket()) {
                probe.bind(new InetSocketAddress(from, 0));
            } catch (IOException e) {
                assumeTrue(false, "cannot bind " + from.getHostAddress() + " here (not Linux?): " + e.getMessage());
            }
            thread = new Thread(this::run, "silent-flood");
            thread.setDaemon(true);
            thread.start();
        }

        int connected() {
            return connected.get();
        }

        int reconnects() {
            return reconnects.get();
        }

        private void run() {
            while (!stopped) {
                for (int i = 0; i < sockets.length && !stopped; i++) {
                    if (sockets[i] == null || isClosedByThePeer(sockets[i])) {
                        if (sockets[i] != null) {
                            close(sockets[i]);
                            reconnects.incrementAndGet();
                        }
                        sockets[i] = open();
                    }
                }
                pause();
            }
            for (Socket socket : sockets) {
                if (socket != null) {
                    close(socket);
                }
            }
        }

        private Socket open() {
            Socket socket = new Socket();
            try {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(target, 1000);
                connected.incrementAndGet();
                return socket;
            } catch (IOException e) {
                close(socket);
                return null;
            }
        }

        private static boolean isClosedByThePeer(Socket socket) {
            try {
                socket.setSoTimeout(1);
                return socket.getInputStream().read() < 0;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        private static void close(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        private static void pause() {
            try {
                Thread.sleep(100); // an attacker's pace; not a wait for a result
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            thread.join(5000);
        }
    }
}
