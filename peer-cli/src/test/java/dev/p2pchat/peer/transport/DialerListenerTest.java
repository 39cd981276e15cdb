package dev.p2pchat.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;

class DialerListenerTest extends TransportFixture {

    @Test
    void mutualHandshakeOverTls13WithAlpnAndAesGcm() throws Exception {
        Listener listener = listen(bobTls, Listener.DEFAULT_HANDSHAKE_TIMEOUT, 4);

        PeerConnection client = dial(aliceTls, listener, bob);
        PeerConnection server = nextAccepted();

        assertThat(client.peerFingerprint()).isEqualTo(bob.fingerprint());
        assertThat(server.peerFingerprint()).isEqualTo(alice.fingerprint());
        assertThat(server.peerCertificate()).isEqualTo(alice.certificate());
        for (PeerConnection side : new PeerConnection[] {client, server}) {
            assertThat(side.applicationProtocol()).isEqualTo("p2pchat/1");
            assertThat(side.tlsProtocol()).isEqualTo("TLSv1.3");
            assertThat(side.cipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
            assertThat(side.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        }
        assertThat(client.remoteAddress().getPort()).isEqualTo(listener.port());

        client.out().write("hello bob".getBytes(StandardCharsets.UTF_8));
        client.out().flush();
        assertThat(new String(server.in().readNBytes(9), StandardCharsets.UTF_8)).isEqualTo("hello bob");
        server.out().write("hi alice".getBytes(StandardCharsets.UTF_8));
        server.out().flush();
        assertThat(new String(client.in().readNBytes(8), StandardCharsets.UTF_8)).isEqualTo("hi alice");
    }

    @Test
    void megabytesFlowBothWaysAtOnce() throws Exception {
        Listener listener = listen(bobTls, Listener.DEFAULT_HANDSHAKE_TIMEOUT, 4);
        PeerConnection client = dial(aliceTls, listener, bob);
        PeerConnection server = nextAccepted();
        byte[] fromClient = randomBytes(8 << 20, 1);
        byte[] fromServer = randomBytes(8 << 20, 2);

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CompletableFuture<Void> clientWrites = write(client.out(), fromClient);
            CompletableFuture<Void> serverWrites = write(server.out(), fromServer);
            CompletableFuture<byte[]> serverReads = CompletableFuture.supplyAsync(() -> readN(server.in(), fromClient.length));
            byte[] clientGot = client.in().readNBytes(fromServer.length);
            clientWrites.get();
            serverWrites.get();
            assertThat(sha256(serverReads.get())).isEqualTo(sha256(fromClient));
            assertThat(sha256(clientGot)).isEqualTo(sha256(fromServer));
        });
    }

    @Test
    void listenerWithAnotherKeyIsAFingerprintMismatch() throws Exception {
        Listener listener = listen(malloryTls, Listener.DEFAULT_HANDSHAKE_TIMEOUT, 4);
        Dialer dialer = new Dialer(aliceTls);

        assertThatThrownBy(() -> dialer.connect("127.0.0.1", listener.port(), bob.fingerprint(), TIMEOUT))
                .isInstanceOfSatisfying(FingerprintMismatchException.class, e -> {
                    assertThat(e.expected()).isEqualTo(bob.fingerprint());
                    assertThat(e.actual()).isEqualTo(mallory.fingerprint());
                    assertThat(e.getMessage())
                            .contains("127.0.0.1:" + listener.port(), bob.fingerprint(), mallory.fingerprint());
                });
        assertThat(accepted.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void silentClientIsDroppedAfterTheHandshakeTimeoutWhileARealPeerConnects() throws Exception {
        Listener listener = listen(bobTls, Duration.ofMillis(500), 4);

        long start = System.nanoTime();
        Socket silent = silentClient(listener);
        PeerConnection client = dial(aliceTls, listener, bob);
        PeerConnection server = nextAccepted();
        assertThat(server.peerFingerprint()).isEqualTo(alice.fingerprint());
        assertThat(client.peerFingerprint()).isEqualTo(bob.fingerprint());

        assertThat(readUntilClosed(silent, Duration.ofSeconds(5))).isTrue();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsedMillis).isBetween(450L, 4000L);
        assertThat(accepted).isEmpty();
    }

    @Test
    void silentClientsDoNotDelayOthers() throws Exception {
        Listener listener = listen(bobTls, Duration.ofSeconds(3), 8);
        Socket[] silent = {silentClient(listener), silentClient(listener), silentClient(listener)};
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 3);

        dial(aliceTls, listener, bob);
        nextAccepted();

        for (Socket socket : silent) {
            assertThat(isStillOpen(socket)).as("a silent client is not dropped before its timeout").isTrue();
        }
    }

    @Test
    void slowDripIsDroppedAtTheDeadlineNotJustAfterASilentRead() throws Exception {
        Listener listener = listen(bobTls, Duration.ofMillis(800), 4);
        Socket drip = silentClient(listener);
        OutputStream out = drip.getOutputStream();
        out.write(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00}); // a handshake record of 16 KiB is coming...
        long start = System.nanoTime();

        boolean dropped = false;
        for (int i = 0; i < 40 && !dropped; i++) { // ...one byte every 100 ms: no read ever waits 800 ms
            try {
                out.write(1);
                out.flush();
                Thread.sleep(100);
            } catch (IOException e) {
                dropped = true;
            }
        }
        assertThat(dropped).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(700L, 3000L);
    }

    @Test
    void handshakesOverTheBoundAreClosedAtOnce() throws Exception {
        Listener listener = listen(bobTls, Duration.ofSeconds(10), 2);
        Socket first = silentClient(listener);
        Socket second = silentClient(listener);
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 2);

        Socket third = silentClient(listener);
        long start = System.nanoTime();
        assertThat(readUntilClosed(third, Duration.ofSeconds(5))).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);

        first.close();
        second.close();
        await().atMost(TIMEOUT).until(() -> listener.handshakesInProgress() == 0);
        dial(aliceTls, listener, bob);
        assertThat(nextAccepted().peerFingerprint()).isEqualTo(alice.fingerprint());
    }

    @Test
    void refusedConnectionIsAClearMessage() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        int closedPort = port;

        assertThatThrownBy(() -> new Dialer(aliceTls).connect("127.0.0.1", closedPort, bob.fingerprint(), TIMEOUT))
                .isExactlyInstanceOf(TransportException.class)
                .hasMessage("cannot reach 127.0.0.1:" + closedPort + ": connection refused");
    }

    @Test
    void serverThatNeverSpeaksTlsTimesOut() throws Exception {
        ServerSocket mute = closeLater(new ServerSocket(0, 1, LOOPBACK));
        long start = System.nanoTime();

        assertThatThrownBy(() -> new Dialer(aliceTls).connect("127.0.0.1", mute.getLocalPort(), bob.fingerprint(),
                Duration.ofMillis(500)))
                .isExactlyInstanceOf(TransportException.class)
                .hasMessage("timed out connecting to 127.0.0.1:" + mute.getLocalPort()
                        + " after 500 ms: the TLS handshake did not finish");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(450L, 3000L);
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        Listener listener = listen(bobTls, TIMEOUT, 4);
        SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
        anonymous.init(null, new TrustManager[] {new TrustAnything()}, null);
        SSLSocket socket = closeLater((SSLSocket) anonymous.getSocketFactory()
                .createSocket(LOOPBACK, listener.port()));
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"p2pchat/1"});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout((int) TIMEOUT.toMillis());

        socket.startHandshake(); // TLS 1.3: the client is done before the server has checked it

        assertThatThrownBy(() -> socket.getInputStream().read())
                .isInstanceOf(javax.net.ssl.SSLException.class)
                .hasMessageMatching(".*(bad_certificate|certificate_required).*"); // JDK 17 says the former
        assertThat(accepted.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void clientWithoutAlpnIsRefused() throws Exception {
        Listener listener = listen(bobTls, TIMEOUT, 4);
        SSLContext context = aliceTls.clientContext(new TrustAnything());
        SSLSocket socket = closeLater((SSLSocket) context.getSocketFactory().createSocket(LOOPBACK, listener.port()));
        socket.setSoTimeout((int) TIMEOUT.toMillis());

        int read;
        try {
            socket.startHandshake();
            read = socket.getInputStream().read();
        } catch (IOException refused) {
            read = -2;
        }
        assertThat(read).isNegative();
        assertThat(accepted.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closeFromAnotherThreadAbortsABlockedRead() throws Exception {
        Listener listener = listen(bobTls, TIMEOUT, 4);
        PeerConnection client = dial(aliceTls, listener, bob);
        nextAccepted();

        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> readN(client.in(), 1));
        Thread.sleep(200);
        assertThat(reader).isNotDone();
        client.close();
        client.close(); // idempotent

        assertThat(reader).failsWithin(Duration.ofSeconds(2));
        assertThat(client.isClosed()).isTrue();
    }

    @Test
    void closeFromAnotherThreadAbortsAWriteToAPeerThatDoesNotRead() throws Exception {
        Listener listener = listen(bobTls, TIMEOUT, 4);
        PeerConnection client = dial(aliceTls, listener, bob);
        nextAccepted(); // and never read from it

        byte[] chunk = new byte[1 << 20];
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 1024; i++) {
                    client.out().write(chunk);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(500);
        assertThat(writer).isNotDone();

        assertTimeoutPreemptively(Duration.ofSeconds(2), client::close);
        assertThat(writer).failsWithin(Duration.ofSeconds(2));
    }

    @Test
    void readTimeoutApplies() throws Exception {
        Listener listener = listen(bobTls, TIMEOUT, 4);
        PeerConnection client = dial(aliceTls, listener, bob);
        nextAccepted();

        client.setReadTimeout(Duration.ofMillis(200));
        assertThatThrownBy(() -> client.in().read()).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void gracefulCloseIsAHalfCloseTheOtherSideCanAnswer() throws Exception {
        Listener listener = listen(bobTls, TIMEOUT, 4);
        PeerConnection client = dial(aliceTls, listener, bob);
        PeerConnection server = nextAccepted();

        client.out().write("last words".getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput();

        assertThat(new String(server.in().readNBytes(10), StandardCharsets.UTF_8)).isEqualTo("last words");
        assertThat(server.in().read()).isEqualTo(-1);
        server.out().write("bye".getBytes(StandardCharsets.UTF_8));
        server.closeGracefully();
        assertThat(new String(client.in().readNBytes(3), StandardCharsets.UTF_8)).isEqualTo("bye");
        assertThat(client.in().read()).isEqualTo(-1);
        client.close();
    }

    @Test
    void closingTheListenerKeepsEstablishedConnections() throws Exception {
        Listener listener = listen(bobTls, TIMEOUT, 4);
        PeerConnection client = dial(aliceTls, listener, bob);
        PeerConnection server = nextAccepted();
        int port = listener.port();

        listener.close();
        assertThat(listener.isOpen()).isFalse();

        client.out().write(42);
        client.out().flush();
        assertThat(server.in().read()).isEqualTo(42);
        assertThatThrownBy(() -> new Dialer(aliceTls).connect("127.0.0.1", port, bob.fingerprint(), TIMEOUT))
                .isInstanceOf(TransportException.class)
                .hasMessageStartingWith("cannot reach 127.0.0.1:" + port);
    }

    @Test
    void portInUseIsAClearMessage() throws Exception {
        Listener first = listen(bobTls, TIMEOUT, 4);

        assertThatThrownBy(() -> Listener.open(LOOPBACK, first.port(), bobTls, TIMEOUT, 4, c -> { }))
                .isInstanceOf(TransportException.class)
                .hasMessageStartingWith("cannot listen on 127.0.0.1:" + first.port() + ": ")
                .hasMessageContaining("in use");
    }

    @Test
    void worksOverIpv6Loopback() throws Exception {
        InetAddress ipv6 = InetAddress.getByName("::1");
        Listener listener;
        try {
            listener = closeLater(Listener.open(ipv6, 0, bobTls, TIMEOUT, 4, accepted::add));
        } catch (TransportException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            return;
        }
        PeerConnection client = closeLater(new Dialer(aliceTls).connect("::1", listener.port(), bob.fingerprint(),
                TIMEOUT));
        PeerConnection server = nextAccepted();
        assertThat(server.remoteAddress().getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(client.peerFingerprint()).isEqualTo(bob.fingerprint());
    }

    @Test
    void malformedArgumentsAreRefused() {
        Dialer dialer = new Dialer(aliceTls);
        assertThatThrownBy(() -> dialer.connect("127.0.0.1", 4000, "not-a-fingerprint", TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialer.connect("127.0.0.1", 0, bob.fingerprint(), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialer.connect("127.0.0.1", 4000, bob.fingerprint(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean readUntilClosed(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // a TLS server may send an alert first
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static boolean isStillOpen(Socket socket) throws IOException {
        socket.setSoTimeout(50);
        try {
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException nothingYet) {
            return true;
        } catch (SocketException reset) {
            return false;
        }
    }

    private static CompletableFuture<Void> write(OutputStream out, byte[] bytes) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int offset = 0; offset < bytes.length; offset += 100_000) {
                    out.write(bytes, offset, Math.min(100_000, bytes.length - offset));
                }
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static byte[] readN(InputStream in, int n) {
        try {
            byte[] bytes = in.readNBytes(n);
            if (bytes.length < n) {
                throw new java.io.EOFException("end of stream after " + bytes.length + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
