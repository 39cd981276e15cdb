package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.peer.directory.Directory.Peer;
import dev.p2pchat.peer.directory.HttpDirectory;
import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.protocol.FrameReader;
import dev.p2pchat.peer.protocol.FrameWriter;
import dev.p2pchat.peer.session.ChatSession;
import dev.p2pchat.peer.session.Handshake;
import dev.p2pchat.peer.session.ReceivePolicy;
import dev.p2pchat.peer.session.TransferEvents;
import dev.p2pchat.peer.session.Wire;
import dev.p2pchat.peer.transport.Dialer;
import dev.p2pchat.peer.transport.PeerConnection;
import dev.p2pchat.peer.transport.TlsConfig;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty peers chat with one listener (a separate JVM) at once: every message arrives exactly
 * once and in order per sender, and the listener's memory stays flat. The CI run is short;
 * {@code -Dp2pchat.load.seconds=120} runs the two-minute version of docs/RELIABILITY.md.
 */
class LoadEndToEndTest {

    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("p2pchat.load.seconds", 15));
    private static final int SENDERS = 50;
    private static final Pattern LINE = Pattern.compile("\\[\\d\\d:\\d\\d:\\d\\d] (load\\d+): m(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void fiftyPeersChatWithOneListenerAndEveryMessageArrivesOnceInOrder() throws Exception {
        try (Directory directory = Directory.start()) {
            dev.p2pchat.peer.e2e.Peer bob = new dev.p2pchat.peer.e2e.Peer("listener", tmp.resolve("listener"), directory.url());
            assertThat(bob.registerAndLogin().exit()).isZero();
            HttpDirectory api = new HttpDirectory(URI.create(directory.url()), null);
            ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
            List<ChatSession> sessions = new ArrayList<>();
            List<Long> rss = new ArrayList<>();
            try (PeerProcess listener = new PeerProcess(bob, tmp.resolve("logs"), "listen")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> listener.err().contains("Online as"));
                for (int i = 0; i < SENDERS; i++) {
                    // each from its own address, as fifty hosts: a listener takes 8 sessions per address
                    InetAddress host = InetAddress.getByName("127.0.1." + (i + 1));
                    sessions.add(connect(api, "load" + i, host, timers));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> count(listener.err(), " connected") == SENDERS);

                Map<String, Integer> sent = new HashMap<>();
                long end = System.nanoTime() + LOAD.toNanos();
                long nextSample = 0;
                while (System.nanoTime() < end) {
                    for (ChatSession session : sessions) {
                        int n = sent.merge(name(session), 1, Integer::sum) - 1;
                        session.sendChat("m" + n);
                    }
                    if (System.nanoTime() > nextSample) {
                        rss.add(residentKiB(listener));
                        nextSample = System.nanoTime() + 1_000_000_000L;
                    }
                    Thread.sleep(20);
                }
                int total = sent.values().stream().mapToInt(Integer::intValue).sum();
                await().atMost(Duration.ofSeconds(60)).until(() -> count(listener.out(), "\n") >= total);
                for (ChatSession session : sessions) {
                    session.close("done");
                }

                Map<String, Integer> next = new HashMap<>();
                for (String line : listener.out().split("\n")) {
                    Matcher message = LINE.matcher(line);
                    assertThat(message.matches()).as(line).isTrue();
                    int expected = next.getOrDefault(message.group(1), 0);
                    assertThat(Integer.parseInt(message.group(2))).as("in order, once, from %s", message.group(1))
                            .isEqualTo(expected);
                    next.put(message.group(1), expected + 1);
                }
                assertThat(next).isEqualTo(sent);
                long early = rss.get(rss.size() / 4);
                long late = rss.get(rss.size() - 1);
                System.out.printf("%d senders, %d messages in %d s; listener RSS %d MiB at 25%%, %d MiB at the end%n",
                        SENDERS, total, LOAD.toSeconds(), early / 1024, late / 1024);
                assertThat(late).as("listener memory stays flat (KiB)").isLessThan(early * 3 / 2 + 64 * 1024);
                listener.type("/quit"); // unlike 'q', quits even while a chat is still open
                assertThat(listener.waitFor(Duration.ofSeconds(60))).isZero();
            } finally {
                timers.shutdownNow();
            }
        }
    }

    private ChatSession connect(HttpDirectory api, String name, InetAddress host, ScheduledExecutorService timers)
            throws Exception {
        Path home = tmp.resolve(name);
        Files.createDirectories(home);
        Identity identity = Identity.loadOrCreate(home);
        api.register(name, (name + " password").toCharArray());
        String token = api.login(name, (name + " password").toCharArray(), identity.fingerprint()).token();
        Peer listener = api.lookup(token, "listener");
        PeerConnection connection = new Dialer(TlsConfig.create(identity), host)
                .connect(listener.host(), listener.port(), listener.fingerprint(), Duration.ofSeconds(10));
        Wire wire = Wire.of(connection);
        FrameReader reader = new FrameReader(connection.in());
        FrameWriter writer = new FrameWriter(connection.out());
        Handshake.dial(wire, reader, writer, name, "listener", Duration.ofSeconds(10));
        ChatSession session = new ChatSession("listener", true, wire, reader, writer, new ChatSession.Events() {
            @Override
            public void chat(ChatSession s, String text) {
            }

            @Override
            public void ended(ChatSession s, ChatSession.Ending ending) {
            }
        }, TransferEvents.NONE, ReceivePolicy.refuseAll(), timers, ChatSession.Liveness.DEFAULT);
        Thread reading = new Thread(session::run, "load-" + name);
        reading.setDaemon(true);
        reading.start();
        names.put(session, name);
        return session;
    }

    private final Map<ChatSession, String> names = new HashMap<>();

    private String name(ChatSession session) {
        return names.get(session);
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    private static long residentKiB(PeerProcess process) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
