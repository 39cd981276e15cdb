package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Joins sessions with in-memory {@link Pipe}s: two real sessions (alice dials, bob listens), or a
 * real session and a {@link RawPeer}. Each session runs on its own thread; {@link #close()} ends
 * them all and stops every thread the test started.
 */
final class Harness implements AutoCloseable {

    static final String ALICE = "alice";
    static final String BOB = "bob";

    /** One side of a connection: it reads {@code inPipe} and writes {@code outPipe}. */
    record End(Pipe inPipe, Pipe outPipe) {
        InputStream in() {
            return inPipe.in();
        }

        OutputStream out() {
            return outPipe.out();
        }
    }

    /** A connection: the dialer's end and the listener's end. */
    record Link(End dialer, End listener, Pipe dialerToListener, Pipe listenerToDialer) {
    }

    /** A running session and what its console heard. */
    record Side(ChatSession session, Recorder events, Downloads downloads, CompletableFuture<ChatSession.Ending> run) {
    }

    record Pair(Side alice, Side bob, Link link) {
    }

    final ScheduledExecutorService timers;
    private final ExecutorService threads = Executors.newCachedThreadPool(daemon("test-session"));
    private final List<ChatSession> sessions = new CopyOnWriteArrayList<>();
    private final List<Pipe> pipes = new CopyOnWriteArrayList<>();

    Harness() {
        this(Executors.newScheduledThreadPool(2, daemon("test-timers")));
    }

    /** Sessions share {@code timers}, as all sessions of a program share PeerAccess's one timer thread. */
    Harness(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    /** One timer thread for every session, as in the program. */
    static Harness withOneTimerThread() {
        return new Harness(Executors.newSingleThreadScheduledExecutor(daemon("test-timer")));
    }

    static ReceivePolicy auto(Path downloads) {
        return new ReceivePolicy(ReceivePolicy.Mode.AUTO, downloads(downloads), ReceivePolicy.UNLIMITED, 8);
    }

    /** Receiving into {@code downloads}, with partials in a private folder next to it (a home folder's in real use). */
    static Downloads downloads(Path downloads) {
        return new Downloads(downloads, partialsOf(downloads));
    }

    static Path partialsOf(Path downloads) {
        return downloads.resolveSibling(downloads.getFileName() + "-partials");
    }

    Link link() {
        return link(Pipe.DEFAULT_CAPACITY);
    }

    Link link(int capacity) {
        Pipe toListener = new Pipe(capacity);
        Pipe toDialer = new Pipe(capacity);
        pipes.add(toListener);
        pipes.add(toDialer);
        return new Link(new End(toDialer, toListener), new End(toListener, toDialer), toListener, toDialer);
    }

    /** Starts a session over {@code end}; {@code peer} is the other side's name. */
    Side start(String peer, boolean dialer, End end, ReceivePolicy policy, ChatSession.Liveness liveness) {
        return start(peer, dialer, end, policy, liveness, new Recorder());
    }

    Side start(String peer, boolean dialer, End end, ReceivePolicy policy, ChatSession.Liveness liveness,
               Recorder events) {
        Wire wire = Wire.of(end.in(), end.out());
        ChatSession session = new ChatSession(peer, dialer, wire, new FrameReader(end.in()), new FrameWriter(end.out()),
                events, events, policy, timers, liveness);
        sessions.add(session);
        CompletableFuture<ChatSession.Ending> run = CompletableFuture.supplyAsync(session::run, threads);
        return new Side(session, events, policy.downloads(), run);
    }

    /** alice (dialer) and bob (listener), each receiving into its own folder. */
    Pair pair(ReceivePolicy alicePolicy, ReceivePolicy bobPolicy) {
        return pair(link(), alicePolicy, bobPolicy, ChatSession.Liveness.DEFAULT);
    }

    Pair pair(Link link, ReceivePolicy alicePolicy, ReceivePolicy bobPolicy, ChatSession.Liveness liveness) {
        Side alice = start(BOB, true, link.dialer(), alicePolicy, liveness);
        Side bob = start(ALICE, false, link.listener(), bobPolicy, liveness);
        return new Pair(alice, bob, link);
    }

    /** A real session facing a hand-driven peer. */
    record RawPair(RawPeer raw, Side session) {
    }

    /**
     * A real session and a {@link RawPeer}: with {@code sessionDials} the session is alice (the
     * dialer, odd file ids) facing a raw bob; otherwise it is bob (the listener) facing a raw alice.
     */
    RawPair raw(boolean sessionDials, ReceivePolicy policy, ChatSession.Liveness liveness) {
        return raw(sessionDials, policy, liveness, Pipe.DEFAULT_CAPACITY);
    }

    /** As above, over pipes of {@code capacity} bytes each way. */
    RawPair raw(boolean sessionDials, ReceivePolicy policy, ChatSession.Liveness liveness, int capacity) {
        Link link = link(capacity);
        if (sessionDials) {
            return new RawPair(new RawPeer(link.listener()), start(BOB, true, link.dialer(), policy, liveness));
        }
        return new RawPair(new RawPeer(link.dialer()), start(ALICE, false, link.listener(), policy, liveness));
    }

    /** Runs {@code task} on a thread of this harness (stopped by {@link #close()}). */
    <T> CompletableFuture<T> async(java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public void close() throws InterruptedException {
        for (ChatSession session : sessions) {
            session.abort("test over");
        }
        for (Pipe pipe : pipes) {
            pipe.closeReader();
            pipe.closeWriter();
        }
        threads.shutdownNow();
        timers.shutdownNow();
        if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("session threads still running after the test");
        }
    }

    // ------------------------------------------------------------------ files

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    /** Every regular file under {@code dir}, at any depth, partials included. */
    static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The files in the downloads folder under a final name. */
    static List<Path> finalFiles(Path downloads) throws IOException {
        return filesUnder(downloads);
    }

    /** The partials of files received into {@code downloads} (see {@link #downloads(Path)}). */
    static List<Path> partials(Path downloads) throws IOException {
        return filesUnder(partialsOf(downloads));
    }

    static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
