package dev.p2pchat.peer.transport;

import dev.p2pchat.peer.identity.Identity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Three identities made once, and listeners and connections closed after each test. */
abstract class TransportFixture {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static java.nio.file.Path homes;

    static Identity alice;
    static Identity bob;
    static Identity mallory;
    static TlsConfig aliceTls;
    static TlsConfig bobTls;
    static TlsConfig malloryTls;

    final List<AutoCloseable> toClose = new ArrayList<>();
    final BlockingQueue<PeerConnection> accepted = new LinkedBlockingQueue<>();

    @BeforeAll
    static void identities() throws IOException {
        alice = Identity.loadOrCreate(homes.resolve("alice"));
        bob = Identity.loadOrCreate(homes.resolve("bob"));
        mallory = Identity.loadOrCreate(homes.resolve("mallory"));
        aliceTls = TlsConfig.create(alice);
        bobTls = TlsConfig.create(bob);
        malloryTls = TlsConfig.create(mallory);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        PeerConnection connection;
        while ((connection = accepted.poll()) != null) {
            connection.close();
        }
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /** A listener that queues what it accepts into {@link #accepted}. */
    Listener listen(TlsConfig tls, Duration handshakeTimeout, int maxHandshakes) throws TransportException {
        return closeLater(Listener.open(LOOPBACK, 0, tls, handshakeTimeout, maxHandshakes, accepted::add));
    }

    PeerConnection dial(TlsConfig tls, Listener listener, Identity expected) throws TransportException {
        return closeLater(new Dialer(tls).connect(LOOPBACK.getHostAddress(), listener.port(), expected.fingerprint(),
                TIMEOUT));
    }

    PeerConnection nextAccepted() throws InterruptedException {
        PeerConnection connection = accepted.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (connection == null) {
            throw new AssertionError("the listener delivered no connection within " + TIMEOUT);
        }
        return connection;
    }

    Socket silentClient(Listener listener) throws IOException {
        return closeLater(new Socket(LOOPBACK, listener.port()));
    }

    /** Trusts any server: for clients that misbehave on purpose. */
    static final class TrustAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
