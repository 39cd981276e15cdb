package dev.p2pchat.peer.transport;

import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameWriter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

/**
 * Accepts peers: one thread accepts, and each connection gets its own thread, which runs the
 * TLS handshake within the handshake timeout and then hands the {@link PeerConnection} to the
 * callback. The callback may run the whole session on that thread.
 *
 * <p>The bounds of {@link Limits} protect the listener from a flood, also from a single
 * address:
 * <ul>
 *   <li>At most {@code maxHandshakes} TLS handshakes at once, {@code maxHandshakesPerAddress}
 *       from one address. A connection over either bound is closed as soon as it is accepted,
 *       before TLS: that is the cheapest refusal.</li>
 *   <li>A connection must send its first TLS bytes within {@code firstBytesTimeout} (a real
 *       dialer sends its ClientHello at once) and finish TLS within {@code handshakeTimeout} of
 *       being accepted, or it is dropped and its slot freed.</li>
 *   <li>At most {@code maxConnections} connections past TLS (in the callback),
 *       {@code maxConnectionsPerAddress} from one address. A connection over either bound is
 *       told so after TLS, with ERROR {@code too_many_sessions}, and closed; the refusal holds
 *       its handshake slot and lasts at most {@code refusalTimeout}.</li>
 * </ul>
 * A connection's slot is freed when the callback returns: a callback that hands the connection
 * to a thread of its own should bound its sessions itself.
 *
 * <p>The callback only gets connections with a valid self-signed client certificate and ALPN
 * {@code p2pchat/1}; which user it belongs to is for the session to check against HELLO.
 */
public final class Listener implements Closeable {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FIRST_BYTES_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_REFUSAL_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_CONCURRENT_HANDSHAKES = 16;
    public static final int DEFAULT_MAX_HANDSHAKES_PER_ADDRESS = 4;
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 8;

    /** The most a refused connection's input is read (and thrown away) before it is closed. */
    private static final int REFUSAL_DRAIN_BYTES = 64 * 1024;
    /** The first read of a new connection: a ClientHello is a few hundred bytes. */
    private static final int FIRST_READ_BYTES = 2048;

    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * How much a listener takes on, in all and from one address (an IPv6 address counts as its
     * /64 network), and how long a new connection may take.
     *
     * @param handshakeTimeout          the TLS handshake must finish within this of the accept
     * @param firstBytesTimeout         the first TLS bytes must come within this of the accept
     *                                  (counted within {@code handshakeTimeout})
     * @param maxHandshakes             handshakes at once; beyond, closed before TLS
     * @param maxHandshakesPerAddress   handshakes at once from one address; beyond, closed before TLS
     * @param maxConnections            connections past TLS; beyond, ERROR {@code too_many_sessions}
     * @param maxConnectionsPerAddress  connections past TLS from one address; beyond, the same
     * @param refusalTimeout            how long a refused connection is given to read its ERROR
     *                                  and hang up
     */
    public record Limits(Duration handshakeTimeout, Duration firstBytesTimeout, int maxHandshakes,
                         int maxHandshakesPerAddress, int maxConnections, int maxConnectionsPerAddress,
                         Duration refusalTimeout) {

        /**
         * 4 handshakes and 8 connections per address, a quarter and an eighth of the totals: a
         * real dialer needs one handshake, and a household or office behind one NAT rarely has
         * more than a few people talking to the same peer at once; one address can no longer
         * take every slot.
         */
        public static final Limits DEFAULT = new Limits(DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_FIRST_BYTES_TIMEOUT,
                DEFAULT_MAX_CONCURRENT_HANDSHAKES, DEFAULT_MAX_HANDSHAKES_PER_ADDRESS, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_REFUSAL_TIMEOUT);

        public Limits {
            requirePositive(handshakeTimeout, "handshake timeout");
            requirePositive(firstBytesTimeout, "first bytes timeout");
            requirePositive(refusalTimeout, "refusal timeout");
            if (maxHandshakes < 1 || maxHandshakesPerAddress < 1 || maxConnections < 1 || maxConnectionsPerAddress < 1) {
                throw new IllegalArgumentException("the bounds must be at least 1");
            }
        }

        /**
         * The defaults with these totals: the per-address bounds and the first-bytes deadline
         * are the defaults, or the totals and the handshake timeout if those are smaller.
         */
        public static Limits of(Duration handshakeTimeout, int maxHandshakes, int maxConnections) {
            requirePositive(handshakeTimeout, "handshake timeout");
            return new Limits(handshakeTimeout, min(DEFAULT_FIRST_BYTES_TIMEOUT, handshakeTimeout), maxHandshakes,
                    Math.min(DEFAULT_MAX_HANDSHAKES_PER_ADDRESS, maxHandshakes), maxConnections,
                    Math.min(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, maxConnections), DEFAULT_REFUSAL_TIMEOUT);
        }

        public Limits withFirstBytesTimeout(Duration timeout) {
            return new Limits(handshakeTimeout, timeout, maxHandshakes, maxHandshakesPerAddress, maxConnections,
                    maxConnectionsPerAddress, refusalTimeout);
        }

        public Limits withRefusalTimeout(Duration timeout) {
            return new Limits(handshakeTimeout, firstBytesTimeout, maxHandshakes, maxHandshakesPerAddress,
                    maxConnections, maxConnectionsPerAddress, timeout);
        }

        public Limits withConnections(int max, int maxPerAddress) {
            return new Limits(handshakeTimeout, firstBytesTimeout, maxHandshakes, maxHandshakesPerAddress, max,
                    maxPerAddress, refusalTimeout);
        }

        public Limits withHandshakes(int max, int maxPerAddress) {
            return new Limits(handshakeTimeout, firstBytesTimeout, max, maxPerAddress, maxConnections,
                    maxConnectionsPerAddress, refusalTimeout);
        }

        private static void requirePositive(Duration duration, String what) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, not " + duration);
            }
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    private final ServerSocket server;
    private final TlsConfig tls;
    private final Limits limits;
    private final Slots handshakes;
    private final Slots connections;
    private final Consumer<PeerConnection> onConnection;
    private final ExecutorService workers;
    /** Sockets holding a handshake slot: TLS or a refusal in progress, dropped by {@link #close()}. */
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private Listener(ServerSocket server, TlsConfig tls, Limits limits, Consumer<PeerConnection> onConnection) {
        this.server = server;
        this.tls = tls;
        this.limits = limits;
        this.handshakes = new Slots(limits.maxHandshakes(), limits.maxHandshakesPerAddress());
        this.connections = new Slots(limits.maxConnections(), limits.maxConnectionsPerAddress());
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

    /** As below, with {@link Limits#of} these totals (and the default per-address bounds). */
    public static Listener open(InetAddress bindAddress, int port, TlsConfig tls, Duration handshakeTimeout,
                                int maxConcurrentHandshakes, int maxConnections,
                                Consumer<PeerConnection> onConnection) throws TransportException {
        if (maxConcurrentHandshakes < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("the bounds must be at least 1");
        }
        return open(bindAddress, port, tls, Limits.of(handshakeTimeout, maxConcurrentHandshakes, maxConnections),
                onConnection);
    }

    /**
     * Listens on {@code bindAddress} ({@code null}: every interface) and {@code port} ({@code 0}:
     * any free port, see {@link #port()}), and starts accepting within {@code limits}.
     *
     * @throws TransportException if the port cannot be bound, e.g. it is in use
     */
    public static Listener open(InetAddress bindAddress, int port, TlsConfig tls, Limits limits,
                                Consumer<PeerConnection> onConnection) throws TransportException {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(onConnection, "onConnection");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
        InetSocketAddress address = bindAddress == null ? new InetSocketAddress(port)
                : new InetSocketAddress(bindAddress, port);
        ServerSocket server = null;
        try {
            if (port != 0) {
                refuseIfTaken(address);
            }
            server = new ServerSocket();
            server.setReuseAddress(true);
            // hole punching dials out from this same port (docs/PROTOCOL.md, "the connection ladder")
            if (server.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            server.bind(address);
        } catch (IOException e) {
            if (server != null) {
                Handshakes.closeQuietly(server);
            }
            String where = bindAddress == null ? "port " + port
                    : Endpoints.describe(bindAddress.getHostAddress(), port);
            throw new TransportException("cannot listen on " + where + ": " + Endpoints.reason(e), e);
        }
        Listener listener = new Listener(server, tls, limits, onConnection);
        listener.acceptor.start();
        return listener;
    }

    /**
     * With SO_REUSEPORT, a second listener of the same user on the same port would silently
     * share it (and half the dialers); a plain bind first makes a taken port a clear error.
     */
    private static void refuseIfTaken(InetSocketAddress address) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
        }
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

    /** Handshake slots in use now: TLS handshakes and refusals (for tests and diagnostics). */
    int handshakesInProgress() {
        return handshakes.inUse();
    }

    /** Connection slots in use now: connections in the callback (for tests and diagnostics). */
    int connectionsInProgress() {
        return connections.inUse();
    }

    /** Entries in the per-address tables: never more than the slots in use. */
    int addressesTracked() {
        return handshakes.sources() + connections.sources();
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

    /**
     * Serves a TCP connection this side opened itself (dialed back on request, met in a hole
     * punch, or joined at the relay) exactly like an accepted one: TLS server, the same limits,
     * then the callback. Returns false, and closes it, when there is no room for it.
     */
    public boolean adopt(Socket tcp) {
        if (closed || !tcp.isConnected()) {
            Handshakes.closeQuietly(tcp);
            return false;
        }
        long acceptedAt = System.nanoTime();
        // opened by us on a peer's authenticated request: every relayed connection comes from the
        // relay's one address, so per-address bounds would let a handful of them block the rest
        InetAddress source = null;
        Slots.Outcome slot = handshakes.tryAcquire(source);
        if (slot != Slots.Outcome.TAKEN) {
            drop(tcp, "too many handshakes for an adopted connection");
            return false;
        }
        try {
            workers.execute(() -> serve(tcp, source, acceptedAt));
            return true;
        } catch (RejectedExecutionException e) {
            handshakes.release(source);
            drop(tcp, "listener closed");
            return false;
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
            long acceptedAt = System.nanoTime();
            InetAddress source = Slots.sourceOf(tcp.getInetAddress());
            Slots.Outcome slot = handshakes.tryAcquire(source);
            if (slot != Slots.Outcome.TAKEN) {
                drop(tcp, slot == Slots.Outcome.SOURCE_FULL ? "too many handshakes from its address"
                        : "too many handshakes at once");
                continue;
            }
            try {
                workers.execute(() -> serve(tcp, source, acceptedAt));
            } catch (RejectedExecutionException e) { // closed meanwhile
                handshakes.release(source);
                drop(tcp, "listener closed");
            }
        }
    }

    /** On a worker thread holding a handshake slot for {@code source}. */
    private void serve(Socket tcp, InetAddress source, long acceptedAt) {
        handshaking.add(tcp);
        boolean holdsHandshakeSlot = true;
        boolean holdsConnectionSlot = false;
        PeerConnection connection = null;
        try {
            SSLSocket socket = handshake(tcp, acceptedAt);
            if (socket == null) {
                return;
            }
            Slots.Outcome slot = connections.tryAcquire(source);
            if (slot != Slots.Outcome.TAKEN) {
                refuse(tcp, socket, slot);
                return;
            }
            holdsConnectionSlot = true;
            connection = new PeerConnection(tcp, socket);
            handshaking.remove(tcp);
            handshakes.release(source);
            holdsHandshakeSlot = false;
            if (closed) {
                connection.close();
                return;
            }
            onConnection.accept(connection);
        } catch (IOException e) {
            drop(tcp, "handshake failed: " + Endpoints.reason(e));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the session with " + tcp.getRemoteSocketAddress() + " failed", e);
            if (connection != null) {
                connection.close();
            }
        } finally {
            if (holdsHandshakeSlot) {
                handshaking.remove(tcp);
                handshakes.release(source);
            }
            if (holdsConnectionSlot) {
                connections.release(source);
            }
        }
    }

    /**
     * The first TLS bytes within the first-bytes deadline, then the TLS handshake within what is
     * left of the handshake timeout; returns the TLS socket, or null once {@code tcp} is dropped.
     */
    private SSLSocket handshake(Socket tcp, long acceptedAt) {
        try {
            if (closed) {
                Handshakes.closeQuietly(tcp);
                return null;
            }
            tcp.setTcpNoDelay(true);
            byte[] first = firstBytes(tcp);
            SSLSocket socket = (SSLSocket) tls.serverContext().getSocketFactory()
                    .createSocket(tcp, new ByteArrayInputStream(first), true);
            TlsConfig.configureServer(socket);
            Duration left = limits.handshakeTimeout().minusNanos(System.nanoTime() - acceptedAt);
            Handshakes.run(tcp, socket, left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left);
            if (!TlsConfig.APPLICATION_PROTOCOL.equals(socket.getApplicationProtocol())) {
                drop(tcp, "no ALPN " + TlsConfig.APPLICATION_PROTOCOL);
                return null;
            }
            return socket;
        } catch (SocketTimeoutException e) {
            drop(tcp, e.getMessage());
            return null;
        } catch (IOException e) {
            drop(tcp, "handshake failed: " + Endpoints.reason(e));
            return null;
        }
    }

    /**
     * What the connection sends first, read on the plain socket within the first-bytes deadline
     * and handed to TLS as already consumed.
     *
     * @throws SocketTimeoutException if nothing came in time
     * @throws EOFException if the connection was closed without a byte
     */
    private byte[] firstBytes(Socket tcp) throws IOException {
        Duration wait = limits.firstBytesTimeout().compareTo(limits.handshakeTimeout()) <= 0
                ? limits.firstBytesTimeout() : limits.handshakeTimeout();
        tcp.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis())));
        byte[] buffer = new byte[FIRST_READ_BYTES];
        int n;
        try {
            n = tcp.getInputStream().read(buffer);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("sent nothing within " + Endpoints.human(wait));
        }
        if (n < 0) {
            throw new EOFException("closed before sending anything");
        }
        return Arrays.copyOf(buffer, n);
    }

    /**
     * Tells a connection past TLS that there is no room for it (ERROR {@code too_many_sessions}),
     * then closes it. The peer's HELLO is read and thrown away first: closing with unread input
     * would reset the connection, and the peer might lose the ERROR. All within the refusal
     * timeout, whether or not the peer reads.
     */
    private void refuse(Socket tcp, SSLSocket socket, Slots.Outcome why) {
        String message = why == Slots.Outcome.SOURCE_FULL
                ? "too many sessions from your address; try again later"
                : "this peer serves as many sessions as it allows; try again later";
        LOG.log(Level.DEBUG, () -> "refused " + tcp.getRemoteSocketAddress() + ": " + message);
        ScheduledFuture<?> deadline = Handshakes.closeAfter(tcp, limits.refusalTimeout());
        try {
            FrameWriter writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), 512));
            writer.writeAndFlush(new Frame.Error(ErrorCode.TOO_MANY_SESSIONS, message));
            socket.shutdownOutput(); // close_notify: the ERROR was all
            tcp.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, limits.refusalTimeout().toMillis())));
            InputStream in = tcp.getInputStream();
            byte[] sink = new byte[4096];
            int drained = 0;
            for (int n; drained < REFUSAL_DRAIN_BYTES && (n = in.read(sink)) >= 0; ) {
                drained += n;
            }
        } catch (IOException e) {
            // the peer hung up, or the deadline did: either way, it is over
        } finally {
            deadline.cancel(false);
            Handshakes.closeQuietly(tcp);
            Handshakes.closeQuietly(socket);
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
