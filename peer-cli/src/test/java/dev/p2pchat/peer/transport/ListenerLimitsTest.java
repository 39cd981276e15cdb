package dev.p2pchat.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener's limits against a flood: per source address, a first-bytes deadline, and
 * ERROR {@code too_many_sessions} for a connection over the session limit. Linux routes all of
 * 127/8 to the loopback interface, so 127.0.0.2 plays another host.
 */
class ListenerLimitsTest extends TransportFixture {

    private static final InetAddress OTHER_HOST = address("127.0.0.2");

    /** Released after each test: until then, callbacks hold their connection like a session does. */
    private final CountDownLatch sessionsEnd = new CountDownLatch(1);

    @AfterEach
    void endSessions() {
        sessionsEnd.countDown();
    }

    @Test
    void sixtyFourSilentConnectionsFrom127_0_0_2DoNotStopARealPeerOn127_0_0_1() throws Exception {
        Listener listener = closeLater(Listener.open(LOOPBACK, 0, bobTls, Listener.DEFAULT_HANDSHAKE_TIMEOUT,
                Listener.DEFAULT_MAX_CONCURRENT_HANDSHAKES, Listener.DEFAULT_MAX_CONNECTIONS, holding())); // as `listen`
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            silent.add(silentClientFrom(OTHER_HOST, listener));
        }
        Set<Socket> dropped = ConcurrentHashMap.newKeySet();
        // the listener has taken in all 64: each one is handshaking or already dropped
        await().atMost(TIMEOUT).until(() -> countDropped(silent, dropped) + listener.handshakesInProgress() == 64);

        PeerConnection client = closeLater(new Dialer(aliceTls).connect("127.0.0.1", listener.port(),
                bob.fingerprint(), Duration.ofSeconds(2)));
        PeerConnection server = nextAccepted();

        assertThat(client.peerFingerprint()).isEqualTo(bob.fingerprint());
        assertThat(server.peerFingerprint()).isEqualTo(alice.fingerprint());
        assertThat(server.remoteAddress().getAddress()).isEqualTo(LOOPBACK);
        assertThat(dropped).as("all but 127.0.0.2's four handshakes were closed before TLS").hasSize(60);
    }

    @Test
    void aFifthHandshakeFromOneAddressIsClosedBeforeTlsWhileOtherAddressesGetIn() throws Exception {
        Listener listener = listen(Listener.Limits.DEFAULT);
        for (int i = 0; i < 4; i++) {
            silentClientFrom(OTHER_HOST, listener);
        }
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 4);

        Socket fifth = silentClientFrom(OTHER_HOST, listener);
        await().atMost(TIMEOUT).until(() -> isDropped(fifth));

        assertThat(listener.handshakesInProgress()).isEqualTo(4);
        dial(aliceTls, listener, bob);
        assertThat(nextAccepted().peerFingerprint()).isEqualTo(alice.fingerprint());
    }

    @Test
    void aConnectionOverThePerAddressSessionLimitGetsTooManySessionsAfterTls() throws Exception {
        Listener listener = closeLater(Listener.open(LOOPBACK, 0, bobTls, TIMEOUT,
                Listener.DEFAULT_MAX_CONCURRENT_HANDSHAKES, Listener.DEFAULT_MAX_CONNECTIONS, holding()));
        for (int i = 0; i < 8; i++) {
            dial(aliceTls, listener, bob);
            nextAccepted();
        }

        PeerConnection ninth = dial(aliceTls, listener, bob);

        assertThat(readError(ninth)).isEqualTo(new Frame.Error(ErrorCode.TOO_MANY_SESSIONS,
                "too many sessions from your address; try again later"));
        assertThat(accepted).isEmpty();
        PeerConnection fromElsewhere = closeLater(new Dialer(aliceTls, OTHER_HOST)
                .connect("127.0.0.1", listener.port(), bob.fingerprint(), TIMEOUT));
        assertThat(nextAccepted().remoteAddress().getAddress()).isEqualTo(OTHER_HOST);
        assertThat(fromElsewhere.peerFingerprint()).isEqualTo(bob.fingerprint());
    }

    @Test
    void aConnectionOverTheSessionLimitGetsTooManySessionsAfterTls() throws Exception {
        Listener listener = closeLater(Listener.open(LOOPBACK, 0, bobTls, TIMEOUT, 4, 1, holding()));
        dial(aliceTls, listener, bob);
        nextAccepted();

        PeerConnection extra = dial(malloryTls, listener, bob);

        assertThat(readError(extra)).isEqualTo(new Frame.Error(ErrorCode.TOO_MANY_SESSIONS,
                "this peer serves as many sessions as it allows; try again later"));
        assertThat(accepted).isEmpty();
        extra.close(); // as a dialer does on ERROR: the listener, which was waiting for that, lets go
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 0);
        assertThat(listener.connectionsInProgress()).isEqualTo(1);
    }

    @Test
    void aRefusedPeerThatNeitherReadsNorHangsUpIsClosedAtTheRefusalTimeout() throws Exception {
        Listener listener = listen(Listener.Limits.DEFAULT.withConnections(1, 1)
                .withRefusalTimeout(Duration.ofMillis(300)));
        dial(aliceTls, listener, bob);
        nextAccepted();

        PeerConnection stubborn = dial(malloryTls, listener, bob); // and reads nothing, closes nothing
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 0);

        assertThat(readError(stubborn).code()).isEqualTo(ErrorCode.TOO_MANY_SESSIONS);
    }

    @Test
    void aSilentConnectionIsDroppedAfterTheFirstBytesDeadline() throws Exception {
        Listener listener = listen(Listener.Limits.DEFAULT.withFirstBytesTimeout(Duration.ofMillis(200)));
        Socket silent = silentClient(listener);
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 1);

        await().atMost(TIMEOUT).until(() -> isDropped(silent));
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 0);
        dial(aliceTls, listener, bob); // who speaks at once is not affected
        nextAccepted();
    }

    @Test
    void theFirstBytesDeadlineWithTheDefaultsIsThreeSecondsWithinTheHandshakeTimeout() {
        assertThat(Listener.Limits.DEFAULT.firstBytesTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(Listener.Limits.of(Duration.ofMillis(500), 4, 4).firstBytesTimeout())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(Listener.Limits.of(Duration.ofSeconds(10), 2, 1)).satisfies(limits -> {
            assertThat(limits.maxHandshakesPerAddress()).isEqualTo(2);
            assertThat(limits.maxConnectionsPerAddress()).isEqualTo(1);
        });
    }

    @Test
    void perAddressAccountingIsForgottenWhenTheLastConnectionEnds() throws Exception {
        Listener listener = listen(Listener.Limits.DEFAULT);
        Socket first = silentClientFrom(OTHER_HOST, listener);
        Socket second = silentClientFrom(OTHER_HOST, listener);
        dial(aliceTls, listener, bob);
        nextAccepted();
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 2);
        assertThat(listener.addressesTracked()).isEqualTo(2); // 127.0.0.2 handshaking, 127.0.0.1 in session

        first.close();
        second.close();
        sessionsEnd.countDown();

        await().atMost(TIMEOUT).until(() -> listener.addressesTracked() == 0);
        assertThat(listener.handshakesInProgress()).isZero();
        assertThat(listener.connectionsInProgress()).isZero();
    }

    @Test
    void limitsAreCheckedWhenMade() {
        assertThatThrownBy(() -> Listener.Limits.DEFAULT.withConnections(0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Listener.Limits.DEFAULT.withFirstBytesTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Listener.open(LOOPBACK, 0, bobTls, Duration.ofSeconds(-1), 4, c -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ------------------------------------------------------------------------

    /** A listener within {@code limits} whose callback holds each connection until the test ends. */
    private Listener listen(Listener.Limits limits) throws TransportException {
        return closeLater(Listener.open(LOOPBACK, 0, bobTls, limits, holding()));
    }

    /** A callback that keeps its connection (and so its slot) until the test ends, as a session would. */
    private Consumer<PeerConnection> holding() {
        return connection -> {
            accepted.add(connection);
            try {
                sessionsEnd.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private Socket silentClientFrom(InetAddress local, Listener listener) throws IOException {
        Socket socket = closeLater(new Socket());
        try {
            socket.bind(new InetSocketAddress(local, 0));
        } catch (IOException e) {
            assumeTrue(false, "cannot bind " + local.getHostAddress() + " here (not Linux?): " + e.getMessage());
        }
        socket.connect(new InetSocketAddress(LOOPBACK, listener.port()), (int) TIMEOUT.toMillis());
        return socket;
    }

    private static Frame.Error readError(PeerConnection connection) throws IOException {
        connection.setReadTimeout(TIMEOUT);
        Frame frame = new FrameReader(connection.in()).read();
        assertThat(frame).isInstanceOf(Frame.Error.class);
        assertThat(connection.in().read()).as("closed after the ERROR").isEqualTo(-1);
        return (Frame.Error) frame;
    }

    private static int countDropped(List<Socket> sockets, Set<Socket> dropped) throws IOException {
        for (Socket socket : sockets) {
            if (!dropped.contains(socket) && isDropped(socket)) {
                dropped.add(socket);
            }
        }
        return dropped.size();
    }

    /** Whether the listener has closed {@code socket} (end of stream or reset); waits a millisecond at most. */
    private static boolean isDropped(Socket socket) throws IOException {
        socket.setSoTimeout(1);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
