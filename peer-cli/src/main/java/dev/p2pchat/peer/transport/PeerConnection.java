package dev.p2pchat.peer.transport;

import dev.p2pchat.peer.identity.Fingerprints;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A mutually authenticated TLS connection to a peer, handshake done. One thread reads
 * {@link #in()}, one writes {@link #out()} (buffered: call {@code flush()} after a frame that
 * must leave now). {@link #close()} may be called from any thread, any number of times, and
 * makes a blocked read or write fail at once.
 */
public final class PeerConnection implements Closeable {

    static final int BUFFER_SIZE = 64 * 1024;

    private final Socket tcp;
    private final SSLSocket tls;
    private final X509Certificate peerCertificate;
    private final String peerFingerprint;
    private final InetSocketAddress remoteAddress;
    private final SSLSession session;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** {@code tls} is layered over {@code tcp} and its handshake has finished. */
    PeerConnection(Socket tcp, SSLSocket tls) throws IOException {
        this.tcp = tcp;
        this.tls = tls;
        this.session = tls.getSession();
        this.peerCertificate = peerCertificate(session);
        this.peerFingerprint = Fingerprints.of(peerCertificate);
        this.remoteAddress = (InetSocketAddress) tcp.getRemoteSocketAddress();
        this.in = new BufferedInputStream(tls.getInputStream(), BUFFER_SIZE);
        this.out = new BufferedOutputStream(tls.getOutputStream(), BUFFER_SIZE);
    }

    private static X509Certificate peerCertificate(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            throw new SSLPeerUnverifiedException("the peer presented no X.509 certificate");
        }
        return certificate;
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    /** SHA-256 of the peer's public key: pinned by the dialer, to be checked against HELLO by the listener. */
    public String peerFingerprint() {
        return peerFingerprint;
    }

    public X509Certificate peerCertificate() {
        return peerCertificate;
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** {@code TLSv1.3}. */
    public String tlsProtocol() {
        return session.getProtocol();
    }

    /** For instance {@code TLS_AES_128_GCM_SHA256}. */
    public String cipherSuite() {
        return session.getCipherSuite();
    }

    /** {@code p2pchat/1}: both sides check it during connect/accept. */
    public String applicationProtocol() {
        return tls.getApplicationProtocol();
    }

    /** A read blocked longer than this fails with {@code SocketTimeoutException}; zero waits for ever. */
    public void setReadTimeout(Duration timeout) throws SocketException {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative read timeout " + timeout);
        }
        tls.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Flushes and sends TLS close_notify: the peer reads end of stream, and this side can still
     * read what the peer sends until it closes too (TLS 1.3 half-close).
     */
    public void shutdownOutput() throws IOException {
        out.flush();
        tls.shutdownOutput();
    }

    /**
     * Flushes, sends close_notify, then closes. Blocks while the peer does not read what is
     * still buffered; {@link #close()} from another thread aborts it.
     */
    public void closeGracefully() throws IOException {
        if (closed.get()) {
            return;
        }
        try {
            shutdownOutput();
        } finally {
            close();
        }
    }

    /**
     * Closes at once, without close_notify. The TCP socket is closed first: closing the TLS
     * socket while another thread is stuck writing to a peer that does not read could wait
     * for that writer.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Handshakes.closeQuietly(tcp);
        Handshakes.closeQuietly(tls);
    }

    @Override
    public String toString() {
        return "PeerConnection[" + remoteAddress + ", " + peerFingerprint + "]";
    }
}
