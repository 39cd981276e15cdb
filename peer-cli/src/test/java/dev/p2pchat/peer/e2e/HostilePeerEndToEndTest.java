package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.peer.directory.HttpDirectory;
import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.protocol.Frame;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.session.Handshake;
import dev.p2pchat.peer.session.Wire;
import dev.p2pchat.peer.transport.Dialer;
import dev.p2pchat.peer.transport.PeerConnection;
import dev.p2pchat.peer.transport.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registered user with a real identity and a hand-written client misbehaves against a real
 * {@code listen}: the listener ends that one session and stays online and useful for everyone else.
 */
class HostilePeerEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The shortest presence TTL the directory allows: a stalled renewal shows within seconds. */
    private static final String PRESENCE_TTL = "--directory.presence.ttl=5s";
    private static Directory directory;
    private static int users;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startDirectory() {
        directory = Directory.start(PRESENCE_TTL);
    }

    @AfterAll
    static void stopDirectory() {
        directory.close();
    }

    /** A logged-in user whose client is this test: TLS and HELLO done, then raw frames. */
    private record RawClient(String name, String token, PeerConnection connection, FrameReader reader,
                             FrameWriter writer) implements AutoCloseable {
        @Override
        public void close() {
            connection.close();
        }
    }

    private RawClient rawClient(String name, String listener) throws Exception {
        Path home = tmp.resolve(name);
        Files.createDirectories(home);
        Identity identity = Identity.loadOrCreate(home);
        HttpDirectory api = new HttpDirectory(URI.create(directory.url()), null);
        api.register(name, (name + " password").toCharArray());
        String token = api.login(name, (name + " password").toCharArray(), identity.fingerprint()).token();
        var peer = api.lookup(token, listener);
        PeerConnection connection = new Dialer(TlsConfig.create(identity))
                .connect(peer.host(), peer.port(), peer.fingerprint(), Duration.ofSeconds(10));
        FrameReader reader = new FrameReader(connection.in());
        FrameWriter writer = new FrameWriter(connection.out());
        Handshake.dial(Wire.of(connection), reader, writer, name, listener, Duration.ofSeconds(10));
        return new RawClient(name, token, connection, reader, writer);
    }

    private boolean online(RawClient asker, String who) throws Exception {
        return new HttpDirectory(URI.create(directory.url()), null).lookup(asker.token(), who).online();
    }

    private Peer newUser(String prefix) {
        users++;
        Peer peer = new Peer(prefix + users, tmp.resolve(prefix + users), directory.url());
        assertThat(peer.registerAndLogin().exit()).isZero();
        return peer;
    }

    private static Peer.Running listen(Peer peer, String... extra) throws Exception {
        String[] args = new String[extra.length + 1];
        args[0] = "listen";
        System.arraycopy(extra, 0, args, 1, extra.length);
        Peer.Running listening = peer.start(args);
        await().atMost(WAIT).until(() -> listening.err().contains("Online as") || listening.exit().isDone());
        assertThat(listening.err()).contains("Online as " + peer.name());
        return listening;
    }

    @Test
    void aPeerFloodingPingsWithoutReadingDoesNotTakeTheListenerOffline() throws Exception {
        Peer bob = newUser("bob");
        Peer alice = newUser("alice");
        Peer.Running bobListens = listen(bob, "--renew-interval", "1");
        Peer.Running aliceChats = alice.start("chat", bob.name());
        await().atMost(WAIT).until(() -> bobListens.err().contains(alice.name() + " connected"));

        users++;
        try (RawClient flooder = rawClient("flooder" + users, bob.name())) {
            AtomicLong sent = new AtomicLong();
            AtomicBoolean stopped = new AtomicBoolean();
            Thread flood = new Thread(() -> {
                try {
                    // PINGs as fast as TLS takes them; the PONGs are never read
                    for (long i = 0; i < 20_000_000; i++) {
                        flooder.writer().write(Frame.Ping.of(i));
                        if (i % 1000 == 999) {
                            flooder.writer().flush();
                        }
                        sent.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // the listener hung up on us
                } finally {
                    stopped.set(true);
                }
            }, "flooder");
            flood.setDaemon(true);
            flood.start();
            // until the listener hangs up, or the connection is full both ways
            AtomicLong seen = new AtomicLong(-1);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        long now = sent.get();
                        return stopped.get() || seen.getAndSet(now) == now;
                    });

            aliceChats.type("during the flood");
            await().atMost(WAIT).until(() -> bobListens.out().contains(alice.name() + ": during the flood"));
            // well past the peer's 30 s liveness check and the 5 s presence TTL
            await("the listener stays online").during(Duration.ofSeconds(45)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> online(flooder, bob.name()));
            aliceChats.type("after the flood");
            await().atMost(WAIT).until(() -> bobListens.out().contains(alice.name() + ": after the flood"));
            assertThat(bobListens.err()).contains("ended the session with " + flooder.name()
                    + ": more than 1024 frames await an answer and " + flooder.name() + " does not read them");
        }
        aliceChats.type("close");
        assertThat(aliceChats.waitFor(WAIT)).isZero();
        bobListens.type("/quit"); // 'q' would go to alice if her close had not arrived yet
        assertThat(bobListens.waitFor(WAIT)).isZero();
    }
    @Test
    void twoHundredThousandRefusedOffersEndTheirSessionAndASmallHeapListenerLivesOn() throws Exception {
        Peer bob = newUser("bob");
        Peer alice = newUser("alice");
        try (ListenerProcess bobListens = new ListenerProcess(bob, "64m", "--accept", "no")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> bobListens.err().contains("Online as"));
            users++;
            try (RawClient spammer = rawClient("spammer" + users, bob.name())) {
                Thread offers = new Thread(() -> {
                    try {
                        for (long i = 0; i < 200_000; i++) {
                            spammer.writer().write(new Frame.FileOffer(2 * i + 1, "tiny.txt", 1));
                            if (i % 100 == 99) {
                                spammer.writer().flush();
                            }
                        }
                        spammer.writer().flush();
                    } catch (IOException closed) {
                        // the listener hung up on us
                    }
                }, "spammer");
                offers.setDaemon(true);
                offers.start();

                long rejected = 0;
                Frame frame;
                while ((frame = spammer.reader().read()) instanceof Frame.FileReject) {
                    rejected++;
                }
                String tail = tail(bobListens.err());
                assertThat(rejected).as("offers refused with FILE_REJECT before the listener hung up, then %s;"
                        + " the listener's last words: %s", frame, tail).isEqualTo(64);
                assertThat(frame).isEqualTo(new Frame.Error(dev.p2pchat.peer.protocol.ErrorCode.PROTOCOL_ERROR,
                        "more than 64 file offers refused in a row"));
                offers.join(Duration.ofSeconds(30).toMillis());
            }
            Peer.Result chat = alice.run("still online?\nclose\n", "chat", bob.name());
            assertThat(chat.exit()).as(chat.err()).isZero();
            await().atMost(WAIT).until(() -> bobListens.out().contains(alice.name() + ": still online?"));
            assertThat(bobListens.alive()).isTrue();
            assertThat(bobListens.err()).doesNotContain("OutOfMemoryError");
            bobListens.type("/quit"); // 'q' would go to alice if her close had not arrived yet
            assertThat(bobListens.waitFor(WAIT)).isZero();
        }
    }

    @Test
    void withoutATerminalAListenerRefusesAStrangersFileByDefault() throws Exception {
        Peer bob = newUser("bob");
        Peer stranger = newUser("stranger");
        Peer.Running bobListens = listen(bob, "--once");
        Path gift = Files.writeString(tmp.resolve("gift.txt"), "you did not ask for this");

        Peer.Result sent = stranger.run("", "send", bob.name(), gift.toString());

        assertThat(sent.exit()).as(sent.err()).isEqualTo(9);
        assertThat(sent.err()).contains("refused 'gift.txt': this peer takes files only from peers it knew before"
                + " this connection");
        assertThat(bobListens.waitFor(WAIT)).isZero();
        assertThat(bob.home().resolve("downloads/gift.txt")).doesNotExist();
    }

    @Test
    void withoutATerminalAListenerTakesTheFileOfAPeerItChose() throws Exception {
        Peer bob = newUser("bob");
        Peer friend = newUser("friend");
        Peer.Running friendListens = listen(friend, "--once");
        assertThat(bob.run("hello\nclose\n", "chat", friend.name()).exit()).as("bob dials his friend once").isZero();
        assertThat(friendListens.waitFor(WAIT)).isZero();
        Peer.Running bobListens = listen(bob, "--once");
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "as promised");

        Peer.Result sent = friend.run("", "send", bob.name(), notes.toString());

        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(bobListens.waitFor(WAIT)).isZero();
        assertThat(bob.home().resolve("downloads/notes.txt")).hasContent("as promised");
    }

    @Test
    void aStrangerWhoDialedInBeforeIsStillAStranger() throws Exception {
        Peer bob = newUser("bob");
        Peer stranger = newUser("stranger");
        Peer.Running first = listen(bob, "--once");
        assertThat(stranger.run("hi\nclose\n", "chat", bob.name()).exit()).isZero();
        assertThat(first.waitFor(WAIT)).isZero();
        Peer.Running second = listen(bob, "--once");
        Path gift = Files.writeString(tmp.resolve("gift.bin"), "you did not ask for this either");

        Peer.Result sent = stranger.run("", "send", bob.name(), gift.toString());

        assertThat(sent.exit()).as(sent.err()).isEqualTo(9);
        assertThat(second.waitFor(WAIT)).isZero();
        assertThat(bob.home().resolve("downloads/gift.bin")).doesNotExist();
        assertThat(Files.readString(bob.home().resolve("known_peers"))).as("pinned, but as met")
                .containsPattern("(?m)^" + stranger.name() + " [0-9a-f]{64} met$");
    }

    @Test
    void aPeersErrorBeforeHelloCannotWriteEscapeSequencesToTheListenersTerminal() throws Exception {
        Peer bob = newUser("bob");
        Peer.Running bobListens = listen(bob);
        Path home = Files.createDirectories(tmp.resolve("anonymous"));
        Identity anyKey = Identity.loadOrCreate(home);
        var peer = new HttpDirectory(URI.create(directory.url()), null)
                .lookup(tokenOf(bob), bob.name());
        try (PeerConnection connection = new Dialer(TlsConfig.create(anyKey))
                .connect(peer.host(), peer.port(), peer.fingerprint(), Duration.ofSeconds(10))) {
            new FrameWriter(connection.out()).writeAndFlush(new dev.p2pchat.peer.protocol.Frame.Error(
                    dev.p2pchat.peer.protocol.ErrorCode.PROTOCOL_ERROR, "\u001b]0;pwned\u0007\u001b[2J\u202eevil"));
            await().atMost(WAIT).until(() -> bobListens.err().contains("pwned"));
        }

        assertThat(bobListens.err()).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e")
                .contains("?]0;pwned??[2J?evil");
        bobListens.type("q");
        assertThat(bobListens.waitFor(WAIT)).isZero();
    }

    private static String tokenOf(Peer peer) throws Exception {
        return tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(Files.readAllBytes(peer.home().resolve("session.json"))).get("token").asString();
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 300));
    }

    /** {@code p2pchat listen} in a JVM of its own, with a heap of {@code heap} and no second chance on OOM. */
    private final class ListenerProcess implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        ListenerProcess(Peer peer, String heap, String... options) throws IOException {
            Path logs = Files.createDirectories(tmp.resolve("logs"));
            out = Files.createTempFile(logs, peer.name() + "-", ".out");
            err = Files.createTempFile(logs, peer.name() + "-", ".err");
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                    "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                    dev.p2pchat.peer.P2pChat.class.getName(), "--server", peer.server(), "--home",
                    peer.home().toString(), "listen"));
            command.addAll(java.util.List.of(options));
            process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        }

        String out() throws IOException {
            return Files.readString(out);
        }

        String err() throws IOException {
            return Files.readString(err);
        }

        boolean alive() {
            return process.isAlive();
        }

        void type(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        int waitFor(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("still running after " + timeout);
            }
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
