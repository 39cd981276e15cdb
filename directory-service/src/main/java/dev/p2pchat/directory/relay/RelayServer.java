package dev.p2pchat.directory.relay;

import dev.p2pchat.directory.relay.RelayRequest.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay (docs/PROTOCOL.md, section 13) on a plain TCP port, with blocking I/O: one thread per
 * connection while it sends its line or waits for its partner, then two threads per spliced
 * pair, each copying one direction. It needs nothing of Spring: the directory runs it as a bean
 * ({@link EmbeddedRelay}), {@link RelayMain} runs it alone.
 *
 * <p>Every connection first sends one line. {@code observe} is answered with the address and
 * port the connection came from. {@code join} needs a token whose MAC and expiry hold and whose
 * role has not joined yet (roles are remembered until the token expires, so each is single
 * use). The first side waits; a byte from it before {@code ok} is junk, which closes it and burns
 * the token for both roles. When the other role joins, both get {@code ok\n} (the joiner first,
 * so that nothing the waiter sends can overtake it) and bytes are copied unchanged, half-closes
 * passed on, until either side closes or a limit is reached.
 *
 * <p>Bounds: {@link RelayProperties#maxConnections()} connections in all, {@code maxPerAddress}
 * from one address, {@code maxSessions} tokens waited on or spliced, 256 bytes and 10 s for the
 * first line, the token's expiry for waiting, {@code maxDuration} and {@code maxBytes} per session.
 */
public final class RelayServer implements AutoCloseable {

    static final Duration LINE_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
    private static final int BUFFER = 64 * 1024;
    /** What a waiting side's first read after pairing takes; the copy loop's buffer takes over after it. */
    private static final int FIRST_READ = 16 * 1024;
    private static final Duration PURGE_EVERY = Duration.ofSeconds(5);

    private enum State { WAITING, PAIRED, OVER }

    /** One token's use of the relay, remembered until the token expires. Guarded by the server. */
    private static final class Pairing {
        final Instant expiresAt;
        final Set<Role> joined = EnumSet.noneOf(Role.class);
        State state;
        Socket waiter;
        Splice splice;

        Pairing(Instant expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    private final RelayProperties settings;
    private final RelayTokens tokens;
    private final Clock clock;
    private RelayMetrics metrics;
    private final ExecutorService threads;
    private final ScheduledExecutorService timer;
    /** Guarded by this. */
    private final Map<String, Pairing> pairings = new HashMap<>();
    /** Guarded by this: open connections per address key. */
    private final Map<String, Integer> perAddress = new HashMap<>();
    /** Every open connection and its address key. */
    private final Map<Socket, String> open = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean closed;
    private ServerSocket server;

    /** A relay counting into {@code registry} (which must not count another relay's sessions). */
    public RelayServer(RelayProperties settings, RelayTokens tokens, MeterRegistry registry, Clock clock) {
        this(settings, tokens, (RelayMetrics) null, clock);
        this.metrics = new RelayMetrics(registry, active::get, waiting::get);
    }

    /** A relay counting into {@code metrics}, which outlive it (the embedded relay is restartable). */
    RelayServer(RelayProperties settings, RelayTokens tokens, RelayMetrics metrics, Clock clock) {
        this.settings = settings;
        this.tokens = tokens;
        this.clock = clock;
        this.metrics = metrics;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(runnable -> daemon(runnable, "relay-" + count.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "relay-timer"));
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Binds the port and starts accepting. */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the relay is already started");
        }
        // channels, used in blocking mode: the copy loops read and write direct buffers (no copy
        // through the Java heap), everything else goes through the sockets' streams
        ServerSocket socket = ServerSocketChannel.open().socket();
        socket.setReuseAddress(true);
        InetAddress bind = settings.address() == null || settings.address().isBlank() ? null
                : InetAddress.getByName(settings.address().strip());
        socket.bind(new InetSocketAddress(bind, settings.port()), 256);
        server = socket;
        timer.scheduleWithFixedDelay(this::purge, PURGE_EVERY.toMillis(), PURGE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        threads.execute(this::accept);
        log.info("Relay listening on port {}", socket.getLocalPort());
    }

    /** The port it listens on (the chosen one when configured as 0). */
    public int port() {
        return server.getLocalPort();
    }

    /** Spliced sessions now. */
    public int active() {
        return active.get();
    }

    /** Tokens with one side waiting now. */
    public int waiting() {
        return waiting.get();
    }

    /** Stops accepting and closes every connection, waiting or spliced. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (server != null) {
                closeQuietly(server);
            }
        }
        open.keySet().forEach(RelayServer::closeQuietly);
        threads.shutdownNow();
        timer.shutdownNow();
    }

    // ------------------------------------------------------------------ accepting

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Relay accept failed: {}", e.getMessage());
                }
                continue;
            }
            String key = addressKey(socket.getInetAddress());
            if (!admit(socket, key)) {
                metrics.refused(RelayRefusal.Reason.BUSY);
                answerAndClose(socket, "error " + RelayRefusal.Reason.BUSY.wire());
                continue;
            }
            try {
                threads.execute(() -> serve(socket));
            } catch (RejectedExecutionException stopping) {
                release(socket);
            }
        }
    }

    private synchronized boolean admit(Socket socket, String key) {
        if (closed || open.size() >= settings.maxConnections() || perAddress.getOrDefault(key, 0) >= settings.maxPerAddress()) {
            return false;
        }
        perAddress.merge(key, 1, Integer::sum);
        open.put(socket, key);
        return true;
    }

    /** Closes a connection and gives its place back (once). */
    private void release(Socket socket) {
        closeQuietly(socket);
        String key = open.remove(socket);
        if (key != null) {
            synchronized (this) {
                perAddress.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** An IPv4 client by its address, an IPv6 client by its /64 (one host usually has a /64 to itself). */
    static String addressKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] network = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(network, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return address.getHostAddress();
    }

    // ------------------------------------------------------------------ one connection

    private void serve(Socket socket) {
        boolean handedOver = false;
        try {
            socket.setTcpNoDelay(true);
            String line = readLine(socket);
            if (line == null) {
                return; // too slow: closed without an answer
            }
            RelayRequest request = RelayRequest.parse(line);
            if (request == null) {
                refuse(socket, RelayRefusal.Reason.JUNK);
            } else if (request instanceof RelayRequest.Observe) {
                metrics.observed();
                answerAndClose(socket, "observed " + literal(socket.getInetAddress()) + " " + socket.getPort());
            } else {
                handedOver = join(socket, (RelayRequest.Join) request);
            }
        } catch (IOException e) {
            // the client went away or broke the connection: nothing to answer
        } finally {
            if (!handedOver) {
                release(socket);
            }
        }
    }

    /**
     * The first line, without its {@code \n} (a {@code \r} before it is dropped): printable
     * ASCII, at most {@link RelayRequest#MAX_LINE_BYTES} bytes with the {@code \n}, within
     * {@link #LINE_TIMEOUT}. Read a byte at a time, so nothing after it is consumed. Null when
     * the time runs out; a line that breaks a rule is returned as {@code ""} (junk).
     */
    private String readLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        long deadline = System.nanoTime() + LINE_TIMEOUT.toNanos();
        StringBuilder line = new StringBuilder();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) left);
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (b < 0) {
                throw new IOException("closed before the first line ended");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= RelayRequest.MAX_LINE_BYTES - 1 || (b < 0x20 && b != '\r') || b > 0x7e) {
                return "";
            }
            line.append((char) b);
        }
    }

    /** Returns true when the socket now belongs to a splice or a waiting pairing. */
    private boolean join(Socket socket, RelayRequest.Join request) throws IOException {
        RelayTokens.Verified token;
        try {
            token = tokens.verify(request.token());
        } catch (RelayRefusal refusal) {
            refuse(socket, refusal.reason());
            return false;
        }
        boolean junk = socket.getInputStream().available() > 0; // bytes sent before any "ok": never spliced
        Role role = request.role();
        Pairing pairing;
        Socket waiter;
        boolean first = false;
        RelayRefusal.Reason refusal = null;
        synchronized (this) {
            pairing = pairings.get(token.id());
            if (pairing == null && waiting.get() + active.get() >= settings.maxSessions()) {
                refusal = RelayRefusal.Reason.BUSY;
            } else if (pairing != null && (pairing.joined.contains(role) || pairing.state == State.OVER)) {
                refusal = RelayRefusal.Reason.ROLE_TAKEN;
            } else {
                if (pairing == null) {
                    pairing = new Pairing(token.expiresAt());
                    pairings.put(token.id(), pairing);
                }
                pairing.joined.add(role);
            }
            waiter = pairing == null ? null : pairing.waiter;
            if (refusal == null && junk) {
                burn(pairing);
                refusal = RelayRefusal.Reason.JUNK;
            } else if (refusal == null && pairing.state == null) {
                pairing.state = State.WAITING;
                pairing.waiter = socket;
                waiting.incrementAndGet();
                first = true;
            } else if (refusal == null) {
                pairing.state = State.PAIRED;
                pairing.waiter = null;
                waiting.decrementAndGet();
                active.incrementAndGet();
                pairing.splice = new Splice(waiter, socket);
            }
        }
        if (refusal != null) {
            refuse(socket, refusal);
            if (refusal == RelayRefusal.Reason.JUNK && waiter != null) {
                answerAndClose(waiter, "error " + RelayRefusal.Reason.JUNK.wire()); // its partner spoiled the token
            }
            return false;
        }
        if (first) {
            awaitPartner(socket, pairing);
            return true;
        }
        Splice splice = pairing.splice;
        metrics.spliced();
        try {
            write(socket, "ok");
            write(splice.first, "ok");
        } catch (IOException e) {
            splice.close();
            return true;
        }
        splice.startClock();
        pump(socket, splice.first, splice, null, 0);
        return true;
    }

    /** Marks a pairing spoiled: both roles taken, nothing will be spliced. Caller holds the lock. */
    private void burn(Pairing pairing) {
        if (pairing.state == State.WAITING) {
            waiting.decrementAndGet();
        }
        pairing.state = State.OVER;
        pairing.waiter = null;
        pairing.joined.addAll(EnumSet.allOf(Role.class));
    }

    /**
     * The first side waits, reading: bytes (or the end of its stream) while still waiting are
     * junk (or a departure), the token's expiry ends the wait; once paired, what it reads is its
     * half of the session.
     */
    private void awaitPartner(Socket socket, Pairing pairing) {
        byte[] buffer = new byte[FIRST_READ];
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                Splice splice;
                synchronized (this) {
                    splice = pairing.splice;
                }
                long left = splice != null ? 0 : Duration.between(clock.instant(), pairing.expiresAt).toMillis();
                socket.setSoTimeout(splice != null ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, left)));
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException timeout) {
                    boolean expired;
                    synchronized (this) {
                        expired = pairing.state == State.WAITING;
                        if (expired) {
                            burn(pairing);
                        }
                    }
                    if (expired) {
                        refuseAndRelease(socket, RelayRefusal.Reason.EXPIRED);
                        return;
                    }
                    continue; // paired meanwhile: read on, without a deadline
                }
                boolean stillWaiting;
                synchronized (this) {
                    stillWaiting = pairing.state == State.WAITING;
                    if (stillWaiting) {
                        burn(pairing);
                    }
                    splice = pairing.splice;
                }
                if (stillWaiting) {
                    if (n < 0) {
                        release(socket); // left before the other side came: the token is spent
                    } else {
                        refuseAndRelease(socket, RelayRefusal.Reason.JUNK);
                    }
                    return;
                }
                if (splice == null) {
                    release(socket);
                    return;
                }
                pump(socket, splice.second, splice, buffer, n);
                return;
            }
        } catch (IOException e) {
            Splice splice;
            synchronized (this) {
                if (pairing.state == State.WAITING) {
                    burn(pairing);
                }
                splice = pairing.splice;
            }
            if (splice != null) {
                splice.close();
            } else {
                release(socket);
            }
        }
    }

    // ------------------------------------------------------------------ spliced

    /** Two connections joined; closed once, when both directions have ended or a limit is reached. */
    private final class Splice {
        final Socket first;
        final Socket second;
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger directionsOpen = new AtomicInteger(2);
        final AtomicBoolean over = new AtomicBoolean();
        volatile ScheduledFuture<?> deadline;

        Splice(Socket first, Socket second) {
            this.first = first;
            this.second = second;
        }

        void startClock() {
            try {
                deadline = timer.schedule(this::close, settings.maxDuration().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                close();
            }
        }

        /** Counts bytes; false when the session is over its byte limit. */
        boolean count(int n) {
            metrics.copied(n);
            return bytes.addAndGet(n) <= settings.maxBytes().toBytes();
        }

        void directionEnded() {
            if (directionsOpen.decrementAndGet() == 0) {
                close();
            }
        }

        void close() {
            if (over.compareAndSet(false, true)) {
                active.decrementAndGet();
                ScheduledFuture<?> pending = deadline;
                if (pending != null) {
                    pending.cancel(false);
                }
                release(first);
                release(second);
            }
        }
    }

    /**
     * Copies {@code from} to {@code to} until the end of {@code from}, starting with the
     * {@code initialLength} bytes of {@code initial} (already read), through a direct buffer.
     */
    private void pump(Socket from, Socket to, Splice splice, byte[] initial, int initialLength) {
        long rate = settings.rate().toBytes();
        long start = System.nanoTime();
        long sent = 0;
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try {
            SocketChannel in = from.getChannel();
            SocketChannel out = to.getChannel();
            int n;
            if (initial != null) {
                buffer.put(initial, 0, Math.max(0, initialLength));
                n = initialLength;
            } else {
                n = in.read(buffer);
            }
            while (n >= 0) {
                if (n > 0) {
                    if (!splice.count(n)) {
                        splice.close();
                        return;
                    }
                    sent += n;
                    if (rate > 0) {
                        long due = start + sent * 1_000_000_000L / rate;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                }
                buffer.clear();
                n = in.read(buffer);
            }
            try {
                to.shutdownOutput(); // pass the half-close on
            } catch (IOException e) {
                splice.close();
                return;
            }
            splice.directionEnded();
        } catch (IOException e) {
            splice.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            splice.close();
        }
    }

    // ------------------------------------------------------------------ housekeeping and answers

    /** Forgets tokens that have expired: no join can name them any more. */
    private synchronized void purge() {
        Instant now = clock.instant();
        pairings.values().removeIf(pairing -> pairing.expiresAt.isBefore(now) && pairing.state != State.WAITING);
    }

    private void refuse(Socket socket, RelayRefusal.Reason reason) {
        metrics.refused(reason);
        answerAndClose(socket, "error " + reason.wire());
    }

    private void refuseAndRelease(Socket socket, RelayRefusal.Reason reason) {
        refuse(socket, reason);
        release(socket);
    }

    private static void answerAndClose(Socket socket, String line) {
        try {
            write(socket, line);
        } catch (IOException e) {
            // it is going away anyway
        } finally {
            closeQuietly(socket);
        }
    }

    private static void write(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The IP as the protocol writes it: no brackets, no scope. */
    static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing to do
        }
    }
}
