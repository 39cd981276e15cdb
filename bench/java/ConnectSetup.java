import dev.p2pchat.peer.directory.Directory;
import dev.p2pchat.peer.directory.HttpDirectory;
import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.protocol.ErrorCode;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.session.Handshake;
import dev.p2pchat.peer.session.PeerRefusedException;
import dev.p2pchat.peer.session.Wire;
import dev.p2pchat.peer.transport.Dialer;
import dev.p2pchat.peer.transport.Listener;
import dev.p2pchat.peer.transport.PeerConnection;
import dev.p2pchat.peer.transport.TlsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Connection setup, warm: what {@code p2pchat chat NAME} does before the first message, in
 * one process so that JVM start-up is not counted: look NAME up in the directory (HTTP, kept
 * alive), TCP connect, TLS 1.3 handshake with the key pinned, HELLO out and the listener's
 * HELLO back (the listener checks the claimed name against the certificate: from the directory
 * the first time, then from its known peers, as the CLI does). Baseline: a bare TLS 1.3
 * handshake (same suite, same client key, ALPN p2pchat/1, no session resumption) to the same
 * listening port. Alternating, one at a time: each connection is fully served before the next.
 * The p2pchat time is also split into its phases (lookup, TCP+TLS, HELLO exchange).
 *
 * <p>Usage: {@code ConnectSetup --server URL --home DIR [--count 200] [--warmup 50]}
 */
public final class ConnectSetup {

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.args(argv);
        int count = BenchSupport.intArg(args, "count", 200);
        int warmup = BenchSupport.intArg(args, "warmup", 50);
        URI server = URI.create(args.getOrDefault("server", "http://127.0.0.1:8080"));
        Path home = Path.of(args.getOrDefault("home", "/tmp/p2pchat-bench-connect"));
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        String aliceName = "cs-a-" + suffix;
        String bobName = "cs-b-" + suffix;
        Identity alice = BenchSupport.identity(home.resolve("alice"));
        Identity bob = BenchSupport.identity(home.resolve("bob"));

        Directory directory = new HttpDirectory(server, null);
        String password = "bench-password-1";
        directory.register(aliceName, password.toCharArray());
        directory.register(bobName, password.toCharArray());
        String aliceToken = directory.login(aliceName, password.toCharArray(), alice.fingerprint()).token();
        String bobToken = directory.login(bobName, password.toCharArray(), bob.fingerprint()).token();

        // bob listens as `p2pchat listen` does
        Map<String, String> bobKnownPeers = new ConcurrentHashMap<>();
        Semaphore served = new Semaphore(0);
        AtomicInteger hellos = new AtomicInteger();
        Listener listener = Listener.open(InetAddress.getLoopbackAddress(), 0, TlsConfig.create(bob),
                Duration.ofSeconds(10), 16, connection -> {
                    Wire wire = Wire.of(connection);
                    try {
                        FrameReader reader = new FrameReader(connection.in());
                        FrameWriter writer = new FrameWriter(connection.out());
                        Handshake.accept(wire, reader, writer, bobName, connection.peerFingerprint(),
                                (claimed, fingerprint) -> verify(directory, bobToken, bobKnownPeers, claimed, fingerprint),
                                Handshake.TIMEOUT);
                        hellos.incrementAndGet();
                        while (reader.read() != null) {
                            // until the dialer hangs up
                        }
                    } catch (IOException | RuntimeException e) {
                        // the bare TLS baseline never says HELLO; the dialer hangs up
                    } finally {
                        wire.close();
                        served.release();
                    }
                });
        directory.publish(bobToken, listener.port(), List.of());

        TlsConfig aliceTls = TlsConfig.create(alice);
        SSLContext bare = BenchSupport.jsse(alice);
        long[] p2p = new long[count];
        long[] tls = new long[count];
        long[] lookupPhase = new long[count];
        long[] tlsPhase = new long[count];
        long[] helloPhase = new long[count];
        int lostServes = 0;
        for (int i = -warmup; i < count; i++) {
            // bare TLS handshake, a fresh peer host name each time so that nothing is resumed
            long t0 = System.nanoTime();
            Socket tcp = new Socket();
            tcp.setTcpNoDelay(true);
            tcp.connect(new InetSocketAddress("127.0.0.1", listener.port()), 10_000);
            SSLSocket socket = BenchSupport.client(bare, tcp, "bench-" + i + ".invalid", listener.port());
            socket.startHandshake();
            long t1 = System.nanoTime();
            socket.close();
            if (!served.tryAcquire(10, TimeUnit.SECONDS)) {
                lostServes++;
            }

            // p2pchat: lookup + TCP + TLS (pinned) + HELLO both ways
            long t2 = System.nanoTime();
            Directory.Peer peer = directory.lookup(aliceToken, bobName);
            long tLookup = System.nanoTime();
            PeerConnection connection = new Dialer(aliceTls).connect(peer.host(), peer.port(), peer.fingerprint(),
                    Dialer.DEFAULT_TIMEOUT);
            long tTls = System.nanoTime();
            Wire wire = Wire.of(connection);
            Handshake.dial(wire, new FrameReader(connection.in()), new FrameWriter(connection.out()), aliceName, bobName,
                    Handshake.TIMEOUT);
            long t3 = System.nanoTime();
            wire.close();
            if (!served.tryAcquire(10, TimeUnit.SECONDS)) {
                lostServes++;
            }
            if (i >= 0) {
                tls[i] = t1 - t0;
                p2p[i] = t3 - t2;
                lookupPhase[i] = tLookup - t2;
                tlsPhase[i] = tTls - tLookup;
                helloPhase[i] = t3 - tTls;
            }
        }
        BenchSupport.report("connect.tls", tls);
        BenchSupport.report("connect.p2pchat", p2p);
        BenchSupport.report("connect.phase.lookup", lookupPhase);
        BenchSupport.report("connect.phase.tcp_tls", tlsPhase);
        BenchSupport.report("connect.phase.hello", helloPhase);
        BenchSupport.result("connect.hellos", hellos.get());
        BenchSupport.result("connect.lost_serves", lostServes);
        listener.close();
        try {
            directory.goOffline(bobToken);
        } catch (Exception ignored) {
            // the directory stops with the benchmark anyway
        }
        System.exit(0);
    }

    /** As PeerAccess.verifier(): known peers first, else the directory vouches (and we remember). */
    private static void verify(Directory directory, String token, Map<String, String> known, String claimed,
                               String fingerprint) throws PeerRefusedException {
        String knownFingerprint = known.get(claimed.toLowerCase(java.util.Locale.ROOT));
        if (knownFingerprint != null) {
            if (!knownFingerprint.equals(fingerprint)) {
                throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH, "key changed");
            }
            return;
        }
        try {
            Directory.Peer peer = directory.lookup(token, claimed);
            if (!fingerprint.equals(peer.fingerprint())) {
                throw new PeerRefusedException(ErrorCode.IDENTITY_MISMATCH, "not the directory's key");
            }
        } catch (dev.p2pchat.peer.directory.DirectoryException e) {
            throw new PeerRefusedException(ErrorCode.UNKNOWN_USER, e.getMessage());
        }
        known.put(claimed.toLowerCase(java.util.Locale.ROOT), fingerprint);
    }
}
