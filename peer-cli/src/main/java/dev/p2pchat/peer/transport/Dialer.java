package dev.p2pchat.peer.transport;

import dev.p2pchat.peer.identity.Fingerprints;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** Connects to a peer whose fingerprint we know (from the directory or {@code known_peers}). */
public final class Dialer {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final TlsConfig tls;
    private final InetAddress localAddress;

    public Dialer(TlsConfig tls) {
        this(tls, null);
    }

    /**
     * A dialer whose connections leave from {@code localAddress} ({@code null}: the one the
     * system picks), e.g. to stand for many hosts on 127/8 in a test.
     */
    public Dialer(TlsConfig tls, InetAddress localAddress) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.localAddress = localAddress;
    }

    /**
     * Opens TCP to {@code host:port} and completes the TLS handshake, both within {@code timeout};
     * the server must present the key with {@code expectedFingerprint} and agree on ALPN
     * {@code p2pchat/1}.
     *
     * <p>In TLS 1.3 the client finishes its handshake before the server has checked the client's
     * certificate: if the listener refuses us, that shows as an {@code SSLException} on the
     * first read, not here.
     *
     * @throws FingerprintMismatchException if the server presented another key
     * @throws TransportException           if the peer cannot be reached, is too slow, or TLS fails;
     *                                      the message is one line naming {@code host:port}
     */
    public PeerConnection connect(String host, int port, String expectedFingerprint, Duration timeout)
            throws TransportException {
        Objects.requireNonNull(host, "host");
        check(expectedFingerprint, port, timeout);
        String where = Endpoints.describe(host, port);
        long deadline = System.nanoTime() + timeout.toNanos();
        // ready before connecting, so that the ClientHello follows at once: listeners drop a
        // connection that stays silent for a few seconds
        PeerTrustManagers.Pinned trust = new PeerTrustManagers.Pinned(expectedFingerprint);
        SSLSocketFactory factory = tls.clientContext(trust).getSocketFactory();
        Socket tcp = openTcp(host, port, timeout, where);
        return handshake(tcp, factory, trust, host, port, expectedFingerprint, deadline, timeout);
    }

    /**
     * The TLS client side over a TCP connection that is already open, whoever opened it: a
     * connection the peer dialed back to us, one that met ours in a hole punch, or one spliced
     * by the relay. Pins {@code expectedFingerprint} exactly as {@link #connect} does; on
     * failure the socket is closed.
     */
    public PeerConnection secure(Socket tcp, String expectedFingerprint, Duration timeout) throws TransportException {
        InetSocketAddress remote = (InetSocketAddress) tcp.getRemoteSocketAddress();
        if (remote == null) {
            throw new IllegalArgumentException("the socket is not connected");
        }
        String host = remote.getAddress().getHostAddress();
        check(expectedFingerprint, remote.getPort(), timeout);
        PeerTrustManagers.Pinned trust = new PeerTrustManagers.Pinned(expectedFingerprint);
        SSLSocketFactory factory = tls.clientContext(trust).getSocketFactory();
        try {
            tcp.setTcpNoDelay(true);
        } catch (IOException e) {
            Handshakes.closeQuietly(tcp);
            throw new TransportException("the connection to " + Endpoints.describe(host, remote.getPort())
                    + " broke: " + Endpoints.reason(e), e);
        }
        return handshake(tcp, factory, trust, host, remote.getPort(), expectedFingerprint,
                System.nanoTime() + timeout.toNanos(), timeout);
    }

    private static void check(String expectedFingerprint, int port, Duration timeout) {
        if (!Fingerprints.isValid(expectedFingerprint)) {
            throw new IllegalArgumentException("not a fingerprint: expected 64 lowercase hex characters");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
    }

    private PeerConnection handshake(Socket tcp, SSLSocketFactory factory, PeerTrustManagers.Pinned trust, String host,
                                     int port, String expectedFingerprint, long deadline, Duration timeout)
            throws TransportException {
        String where = Endpoints.describe(host, port);
        try {
            SSLSocket socket = (SSLSocket) factory.createSocket(tcp, host, port, true);
            TlsConfig.configureClient(socket);
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            Handshakes.run(tcp, socket, left.isNegative() ? Duration.ofMillis(1) : left);
            String alpn = socket.getApplicationProtocol();
            if (!TlsConfig.APPLICATION_PROTOCOL.equals(alpn)) {
                throw new TransportException("the peer at " + where + " does not speak "
                        + TlsConfig.APPLICATION_PROTOCOL + " (no ALPN agreed)");
            }
            return new PeerConnection(tcp, socket);
        } catch (TransportException e) {
            Handshakes.closeQuietly(tcp);
            throw e;
        } catch (SocketTimeoutException e) {
            Handshakes.closeQuietly(tcp);
            throw new TransportException("timed out connecting to " + where + " after " + Endpoints.human(timeout)
                    + ": the TLS handshake did not finish", e);
        } catch (IOException e) {
            Handshakes.closeQuietly(tcp);
            String actual = trust.mismatch();
            if (actual != null) {
                throw new FingerprintMismatchException(where, expectedFingerprint, actual);
            }
            String reason = trust.failure() != null ? trust.failure() : Endpoints.reason(e);
            throw new TransportException("TLS handshake with " + where + " failed: " + reason, e);
        }
    }

    private Socket openTcp(String host, int port, Duration timeout, String where) throws TransportException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new TransportException("cannot reach " + where + ": unknown host");
        }
        Socket tcp = new Socket();
        try {
            tcp.setTcpNoDelay(true);
            if (localAddress != null) {
                tcp.bind(new InetSocketAddress(localAddress, 0));
            }
            tcp.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return tcp;
        } catch (SocketTimeoutException e) {
            Handshakes.closeQuietly(tcp);
            throw new TransportException("timed out connecting to " + where + " after " + Endpoints.human(timeout), e);
        } catch (IOException e) {
            Handshakes.closeQuietly(tcp);
            throw new TransportException("cannot reach " + where + ": " + Endpoints.reason(e), e);
        }
    }
}
