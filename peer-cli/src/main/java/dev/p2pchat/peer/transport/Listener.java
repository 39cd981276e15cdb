package dev.p2pchat.peer.transport;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

/**
 * Accepts peers: one thread accepts, and each connection gets its own thread, which runs the
 * TLS handshake within the handshake timeout and then hands the {@link PeerConnection} to the
 * callback. The callback may run the whole session on that thread.
 *
 * <p>Two bounds protect the listener: at most {@code maxConcurrentHandshakes} handshakes at
 * once, so silent or slow clients cannot pile up, and at most {@code maxConnections}
 * connections in all (handshaking, or inside the callback). A connection over either bound is
 * closed as soon as it is accepted. A connection's slot is freed when the callback returns: a
 * callback that hands the connection to a thread of its own should bound its sessions itself.
 *
 * <p>The callback only gets connections with a valid self-signed client certificate and ALPN
 * {@code p2pchat/1}; which user it belongs to is for the session to check against HELLO.
 */
public final class Listener implements Closeable {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONCURRENT_HANDSHAKES = 16;
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ServerSocket server;
    private final TlsConfig tls;
    private final Duration handshakeTimeout;
    private final Semaphore handshakeSlots;
    private final Semaphore connectionSlots;
    private final Consumer<PeerConnection> onConnection;
    private final ExecutorService workers;
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private Listener(ServerSocket server, TlsConfig tls, Duration handshakeTimeout, int maxConcurrentHandshakes,
                     int maxConnections, Consumer<PeerConnection> onConnection) {
        this.server = server;
        this.tls = tls;
        this.handshakeTimeout = handshakeTimeout;
        this.handshakeSlots = new Semaphore(maxConcurrentHandshakes);
        this.connectionSlots = new Semaphore(maxConnections);
        this.onConnection = onConnection;
        this.workers = Executors.newCachedThreadPool(runnable -> daemon(runnable, "p2pchat-peer-"));
        this.acceptor = daemon(this::acceptLoop, "p2pchat-listener-" + server.getLocalPort() + "-");
    }

    /** As below, with at most {@value #DEFAULT_MAX_CONNECTIONS} connections. */
    public static Listener open(InetAddress bindAddress, int port, TlsConfig tls, Duration handshakeTimeout,
                                int maxConcurrentHandshakes, Consumer<PeerConnection> onConnection)
            throws TransportException {
        return open(bindAddress, port, tls, handshakeTimeout, maxConcurrentHandshakes, DEFAULT_MAX_CONNECTIONS,
                onConnection);
    }

    /**
     * Listens on {@code bindAddress} ({@code null}: every interface) and {@code port} ({@code 0}:
     * any free port, see {@link #port()}), and starts accepting.
     *
     * @throws TransportException if the port cannot be bound, e.g. it is in use
     */
    public static Listener open(InetAddress bindAddress, int port, TlsConfig tls, Duration handshakeTimeout,
                                int maxConcurrentHandshakes, int maxConnections,
                                Consumer<PeerConnection> onConnection) throws TransportException {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(onConnection, "onConnection");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, not " + handshakeTimeout);
        }
        if (maxConcurrentHandshakes < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("the bounds must be at least 1");
        }
        InetSocketAddress address = bindAddress == null ? new InetSocketAddress(port)
                : new InetSocketAddress(bindAddress, port);
        ServerSocket server = null;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(address);
        } catch (IOException e) {
            if (server != null) {
                Handshakes.closeQuietly(server);
            }
            String where = bindAddress == null ? "port " + port
                    : Endpoints.describe(bindAddress.getHostAddress(), port);
            throw new TransportException("cannot listen on " + where + ": " + Endpoints.reason(e), e);
        }
        Listener listener = new Listener(server, tls, handshakeTimeout, maxConcurrentHandshakes, maxConnections,
                onConnection);
        listener.acceptor.start();
        return listener;
    }

    /** The port listened on: the one chosen by the system when opened with port 0. */
    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Handshakes running now (for tests and diagnostics). */
    int handshakesInProgress() {
        return handshaking.size();
    }

    /**
     * Stops accepting and drops connections still in their handshake. Established connections
     * (handed to the callback) stay open: their sessions end them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Handshakes.closeQuietly(server);
        handshaking.forEach(Handshakes::closeQuietly);
        workers.shutdown();
        if (Thread.currentThread() != acceptor) {
            try {
                acceptor.join(Duration.ofSeconds(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket tcp;
            try {
                tcp = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "accepting a connection on port " + port() + " failed: " + e.getMessage());
                pause(); // e.g. out of file descriptors: do not spin
                continue;
            }
            if (!connectionSlots.tryAcquire()) {
                drop(tcp, "too many connections");
            } else if (!handshakeSlots.tryAcquire()) {
                connectionSlots.release();
                drop(tcp, "too many handshakes at once");
            } else {
                try {
                    workers.execute(() -> serve(tcp));
                } catch (RejectedExecutionException e) { // closed meanwhile
                    handshakeSlots.release();
                    connectionSlots.release();
                    drop(tcp, "listener closed");
                }
            }
        }
    }

    /** On a worker thread holding a handshake and a connection slot. */
    private void serve(Socket tcp) {
        PeerConnection connection = null;
        try {
            try {
                connection = handshake(tcp);
            } finally {
                handshakeSlots.release();
            }
            if (connection == null) {
                return;
            }
            if (closed) {
                connection.close();
                return;
            }
            onConnection.accept(connection);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the session with " + tcp.getRemoteSocketAddress() + " failed", e);
            if (connection != null) {
                connection.close();
            }
        } finally {
            connectionSlots.release();
        }
    }

    private PeerConnection handshake(Socket tcp) {
        handshaking.add(tcp);
        try {
            if (closed) {
                Handshakes.closeQuietly(tcp);
                return null;
            }
            tcp.setTcpNoDelay(true);
            SSLSocket socket = (SSLSocket) tls.serverContext().getSocketFactory().createSocket(tcp, null, true);
            TlsConfig.configureServer(socket);
            Handshakes.run(tcp, socket, handshakeTimeout);
            if (!TlsConfig.APPLICATION_PROTOCOL.equals(socket.getApplicationProtocol())) {
                drop(tcp, "no ALPN " + TlsConfig.APPLICATION_PROTOCOL);
                return null;
            }
            return new PeerConnection(tcp, socket);
        } catch (IOException e) {
            drop(tcp, "handshake failed: " + Endpoints.reason(e));
            return null;
        } finally {
            handshaking.remove(tcp);
        }
    }

    private static void drop(Socket tcp, String why) {
        LOG.log(Level.DEBUG, () -> "dropped " + tcp.getRemoteSocketAddress() + ": " + why);
        Handshakes.closeQuietly(tcp);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable runnable, String prefix) {
        Thread thread = new Thread(runnable, prefix + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public String toString() {
        return "Listener[" + localAddress() + (closed ? ", closed" : "") + "]";
    }
}
