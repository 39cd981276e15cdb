import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.Handshake;
import dev.p2pchat.peer.session.PeerRefusedException;
import dev.p2pchat.peer.session.Downloads;
import dev.p2pchat.peer.session.ReceivePolicy;
import dev.p2pchat.peer.session.Transfer;
import dev.p2pchat.peer.session.TransferEvents;
import dev.p2pchat.peer.session.Wire;
import dev.p2pchat.peer.transport.Dialer;
import dev.p2pchat.peer.transport.Listener;
import dev.p2pchat.peer.transport.PeerConnection;
import dev.p2pchat.peer.transport.TlsConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Chat latency: the round trip of a 64-byte CHAT over an established p2pchat session (two real
 * {@link ChatSession}s over a real {@link Listener}/{@link Dialer} TLS connection on loopback;
 * the far side echoes each CHAT from its reader thread, the near side sends from the main thread
 * as the console does and the time is taken when its reader thread has decoded the echo),
 * against a raw JSSE TLS 1.3 ping-pong of 64 bytes (same keys, same suite, TCP_NODELAY). The
 * two are measured in the same JVM in alternating blocks, so load from elsewhere hits both. A
 * third series, for information, runs the p2pchat session without a console thread: alice's
 * reader thread sends the next CHAT as soon as it has decoded the echo.
 *
 * <p>Usage: {@code ChatLatency --home DIR [--messages 100000] [--warmup 20000] [--block 1000]}
 */
public final class ChatLatency {

    /** 64 bytes of UTF-8. */
    static final String TEXT = "hello bob, this is a sixty-four byte chat message for timing!!!!";
    static final byte[] BYTES = TEXT.getBytes(StandardCharsets.UTF_8);

    public static void main(String[] argv) throws Exception {
        if (BYTES.length != 64) {
            throw new IllegalStateException("message is " + BYTES.length + " bytes");
        }
        Map<String, String> args = BenchSupport.args(argv);
        int messages = BenchSupport.intArg(args, "messages", 100_000);
        int warmup = BenchSupport.intArg(args, "warmup", 20_000);
        int block = Math.min(messages, BenchSupport.intArg(args, "block", 1000));
        Path home = Path.of(args.getOrDefault("home", "/tmp/p2pchat-bench-chat"));
        Identity alice = BenchSupport.identity(home.resolve("alice"));
        Identity bob = BenchSupport.identity(home.resolve("bob"));
        if (args.containsKey("during-transfer")) {
            duringTransfer(alice, bob, Path.of(args.get("during-transfer")), Path.of(args.get("downloads")), warmup);
            System.exit(0);
        }

        RawPingPong raw = new RawPingPong(alice, bob);
        SessionPair p2p = new SessionPair(alice, bob);

        long[] rawSamples = new long[messages];
        long[] p2pSamples = new long[messages];
        long[] inlineSamples = new long[messages];
        long[] scratch = new long[block];
        for (int done = 0; done < warmup; done += block) {
            raw.run(scratch, 0, block);
            p2p.run(scratch, 0, block);
            p2p.runInline(scratch, 0, block);
        }
        long start = System.nanoTime();
        for (int done = 0; done < messages; done += block) {
            int n = Math.min(block, messages - done);
            raw.run(rawSamples, done, n);
            p2p.run(p2pSamples, done, n);
            p2p.runInline(inlineSamples, done, n);
        }
        BenchSupport.result("chat.seconds", (System.nanoTime() - start) / 1e9);
        BenchSupport.report("chat.jsse", rawSamples);
        BenchSupport.report("chat.p2pchat", p2pSamples);
        BenchSupport.report("chat.p2pchat_inline", inlineSamples);
        p2p.close();
        raw.close();
        System.exit(0);
    }

    /**
     * Chat while a file travels the same session: alice sends {@code file} to bob (who saves it
     * in {@code downloads}) and, from a console thread, a 64-byte CHAT at a time that bob's reader
     * echoes, until the file is confirmed. Every round trip is a sample.
     */
    static void duringTransfer(Identity aliceId, Identity bobId, Path file, Path downloads, int warmup)
            throws Exception {
        ReceivePolicy takesFiles = new ReceivePolicy(ReceivePolicy.Mode.AUTO,
                new Downloads(downloads, downloads.resolveSibling(downloads.getFileName() + "-partials")),
                ReceivePolicy.UNLIMITED, ReceivePolicy.FILES_AT_ONCE);
        SessionPair p2p = new SessionPair(aliceId, bobId, takesFiles);
        long[] scratch = new long[1000];
        for (int done = 0; done < warmup; done += scratch.length) {
            p2p.run(scratch, 0, scratch.length);
        }
        long[] samples = new long[1 << 20];
        int n = 0;
        long start = System.nanoTime();
        CompletableFuture<Transfer.Result> sent = p2p.alice.sendFile(file);
        while (!sent.isDone() && n < samples.length) {
            p2p.run(samples, n, 1);
            n++;
        }
        Transfer.Result result = sent.get(10, TimeUnit.MINUTES);
        BenchSupport.result("chat_during_transfer.seconds", (System.nanoTime() - start) / 1e9);
        BenchSupport.result("chat_during_transfer.file_ok", result.ok() ? 1 : 0);
        BenchSupport.report("chat_during_transfer", java.util.Arrays.copyOf(samples, n));
        p2p.close();
    }

    /** Raw JSSE: write 64 bytes, read 64 bytes back; the server echoes on its own thread. */
    static final class RawPingPong {
        private final ServerSocket server;
        private final SSLSocket client;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[64];

        RawPingPong(Identity alice, Identity bob) throws Exception {
            SSLContext clientContext = BenchSupport.jsse(alice);
            SSLContext serverContext = BenchSupport.jsse(bob);
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread echo = new Thread(() -> {
                try (Socket tcp = server.accept()) {
                    tcp.setTcpNoDelay(true);
                    SSLSocket tls = BenchSupport.server(serverContext, tcp);
                    tls.startHandshake();
                    InputStream sin = tls.getInputStream();
                    OutputStream sout = tls.getOutputStream();
                    byte[] buf = new byte[64];
                    while (readFully(sin, buf)) {
                        sout.write(buf);
                        sout.flush();
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            }, "jsse-echo");
            echo.setDaemon(true);
            echo.start();
            Socket tcp = new Socket();
            tcp.setTcpNoDelay(true);
            tcp.connect(server.getLocalSocketAddress());
            client = BenchSupport.client(clientContext, tcp, "127.0.0.1", server.getLocalPort());
            client.startHandshake();
            in = client.getInputStream();
            out = client.getOutputStream();
        }

        void run(long[] samples, int from, int count) throws IOException {
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                out.write(BYTES);
                out.flush();
                if (!readFully(in, buffer)) {
                    throw new EOFException("echo server went away");
                }
                samples[from + i] = System.nanoTime() - t0;
            }
        }

        void close() throws IOException {
            client.close();
            server.close();
        }
    }

    static boolean readFully(InputStream in, byte[] buf) throws IOException {
        int got = 0;
        while (got < buf.length) {
            int n = in.read(buf, got, buf.length - got);
            if (n < 0) {
                return false;
            }
            got += n;
        }
        return true;
    }

    /** Two established p2pchat sessions, alice dialing bob; bob echoes every CHAT. */
    static final class SessionPair {
        private final Listener listener;
        private final ChatSession alice;
        private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-timers");
            t.setDaemon(true);
            return t;
        });
        private volatile Thread waiter;
        private volatile long arrivedAt;
        private volatile int arrivals;
        /** Inline mode: alice's reader thread times each echo and sends the next CHAT itself. */
        private volatile boolean inline;
        private long[] inlineSink;
        private int inlineNext;
        private int inlineEnd;
        private long sentAt;

        SessionPair(Identity aliceId, Identity bobId) throws Exception {
            this(aliceId, bobId, ReceivePolicy.refuseAll());
        }

        /** {@code bobTakes}: which files bob takes from alice. */
        SessionPair(Identity aliceId, Identity bobId, ReceivePolicy bobTakes) throws Exception {
            TlsConfig aliceTls = TlsConfig.create(aliceId);
            TlsConfig bobTls = TlsConfig.create(bobId);
            CompletableFuture<ChatSession> bobSession = new CompletableFuture<>();
            ChatSession.Events echo = new ChatSession.Events() {
                @Override
                public void chat(ChatSession session, String text) {
                    try {
                        session.sendChat(text);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void ended(ChatSession session, ChatSession.Ending ending) {
                }
            };
            listener = Listener.open(InetAddress.getLoopbackAddress(), 0, bobTls, Duration.ofSeconds(10), 16,
                    connection -> serve(connection, aliceId.fingerprint(), echo, bobSession, bobTakes));
            PeerConnection connection = new Dialer(aliceTls).connect("127.0.0.1", listener.port(), bobId.fingerprint(),
                    Duration.ofSeconds(10));
            Wire wire = Wire.of(connection);
            FrameReader reader = new FrameReader(connection.in());
            FrameWriter writer = new FrameWriter(connection.out());
            Frame.Hello hello = Handshake.dial(wire, reader, writer, "alice", "bob", Handshake.TIMEOUT);
            ChatSession.Events probe = new ChatSession.Events() {
                @Override
                public void chat(ChatSession session, String text) {
                    long now = System.nanoTime();
                    if (inline) {
                        inlineSink[inlineNext++] = now - sentAt;
                        if (inlineNext < inlineEnd) {
                            sentAt = System.nanoTime();
                            try {
                                session.sendChat(TEXT);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            return;
                        }
                    }
                    arrivedAt = now;
                    arrivals++;
                    LockSupport.unpark(waiter);
                }

                @Override
                public void ended(ChatSession session, ChatSession.Ending ending) {
                }
            };
            alice = new ChatSession(hello.username(), true, wire, reader, writer, probe, TransferEvents.NONE,
                    ReceivePolicy.refuseAll(), timers, ChatSession.Liveness.DEFAULT);
            Thread aliceReader = new Thread(alice::run, "alice-reader");
            aliceReader.setDaemon(true);
            aliceReader.start();
            bobSession.get(10, TimeUnit.SECONDS);
        }

        private void serve(PeerConnection connection, String aliceFingerprint, ChatSession.Events echo,
                           CompletableFuture<ChatSession> out, ReceivePolicy bobTakes) {
            try {
                Wire wire = Wire.of(connection);
                FrameReader reader = new FrameReader(connection.in());
                FrameWriter writer = new FrameWriter(connection.out());
                Frame.Hello hello = Handshake.accept(wire, reader, writer, "bob", connection.peerFingerprint(),
                        (claimed, fingerprint) -> {
                            if (!fingerprint.equals(aliceFingerprint)) {
                                throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH, "not alice");
                            }
                        }, Handshake.TIMEOUT);
                ChatSession session = new ChatSession(hello.username(), false, wire, reader, writer, echo,
                        TransferEvents.NONE, bobTakes, timers, ChatSession.Liveness.DEFAULT);
                out.complete(session);
                session.run();
            } catch (IOException | RuntimeException e) {
                out.completeExceptionally(e);
                connection.close();
            }
        }

        /** The console's way: send from this thread, time until alice's reader has the echo. */
        void run(long[] samples, int from, int count) throws IOException {
            waiter = Thread.currentThread();
            for (int i = 0; i < count; i++) {
                int before = arrivals;
                long t0 = System.nanoTime();
                alice.sendChat(TEXT);
                long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
                while (arrivals == before) {
                    LockSupport.parkNanos(1_000_000);
                    if (System.nanoTime() > deadline) {
                        throw new IOException("no echo within 10 s");
                    }
                }
                samples[from + i] = arrivedAt - t0;
            }
        }

        /**
         * For comparison only: no console thread. Alice's reader thread, having decoded an echo,
         * sends the next CHAT itself (as the JSSE baseline's single thread does).
         */
        void runInline(long[] samples, int from, int count) throws IOException {
            waiter = Thread.currentThread();
            inlineSink = samples;
            inlineNext = from;
            inlineEnd = from + count;
            int before = arrivals;
            inline = true;
            sentAt = System.nanoTime();
            alice.sendChat(TEXT);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (arrivals == before) {
                LockSupport.parkNanos(1_000_000);
                if (System.nanoTime() > deadline) {
                    throw new IOException("inline block did not finish within 60 s");
                }
            }
            inline = false;
        }

        void close() {
            alice.close("bench done");
            listener.close();
        }
    }
}
