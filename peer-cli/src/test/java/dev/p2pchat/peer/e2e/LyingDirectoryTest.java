package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.p2pchat.peer.command.Home;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A directory that lies: a small HTTP server in this test answers the lookup of {@code alice}
 * with another name, a malformed key, an impossible port or host, or a huge body. {@code chat}
 * and {@code send} must refuse with exit status 3 and one line naming what was wrong, without
 * dialing the address it gave (a bait socket counts connections) and without writing
 * {@code known_peers}.
 */
class LyingDirectoryTest {

    private static final String ATTACKER_KEY = "6d".repeat(32);

    @TempDir
    Path tmp;

    private HttpServer directory;
    private ServerSocket bait;
    private final AtomicInteger dialed = new AtomicInteger();
    private volatile byte[] answer;
    private Peer me;

    @BeforeEach
    void start() throws IOException {
        bait = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> {
            while (!bait.isClosed()) {
                try (Socket ignored = bait.accept()) {
                    dialed.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "bait");
        accepting.setDaemon(true);
        accepting.start();

        directory = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        directory.createContext("/api/v1/peers/", exchange -> {
            byte[] body = answer;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        directory.start();
        String url = "http://127.0.0.1:" + directory.getAddress().getPort();
        Path home = tmp.resolve("me");
        new Home(home).saveSession(new Home.SavedSession(url, "mallory", "t".repeat(43),
                Instant.now().plus(1, ChronoUnit.HOURS)));
        me = new Peer("mallory", home, url);
    }

    @AfterEach
    void stop() throws IOException {
        directory.stop(0);
        bait.close();
    }

    static Stream<Arguments> lies() {
        return Stream.of(
                Arguments.of("another name (look-alike)", peer("aIice", "127.0.0.1", "PORT", ATTACKER_KEY), "aIice"),
                Arguments.of("another name", peer("bob", "127.0.0.1", "PORT", ATTACKER_KEY), "bob"),
                Arguments.of("an empty name", peer("", "127.0.0.1", "PORT", ATTACKER_KEY), "username"),
                Arguments.of("no name", peer(null, "127.0.0.1", "PORT", ATTACKER_KEY), "username"),
                Arguments.of("an upper-case key", peer("alice", "127.0.0.1", "PORT", ATTACKER_KEY.toUpperCase()), "fingerprint"),
                Arguments.of("a short key", peer("alice", "127.0.0.1", "PORT", ATTACKER_KEY.substring(1)), "fingerprint"),
                Arguments.of("port 0", peer("alice", "127.0.0.1", "0", ATTACKER_KEY), "port"),
                Arguments.of("port 70000", peer("alice", "127.0.0.1", "70000", ATTACKER_KEY), "port"),
                Arguments.of("a port that is text", peer("alice", "127.0.0.1", "\"PORT\"", ATTACKER_KEY), "port"),
                Arguments.of("a host with a space", peer("alice", "127.0.0.1 x", "PORT", ATTACKER_KEY), "host"),
                Arguments.of("an empty host", peer("alice", "", "PORT", ATTACKER_KEY), "host"),
                Arguments.of("a body over 1 MiB", "{\"username\":\"alice\",\"online\":true,\"host\":\"127.0.0.1\","
                        + "\"port\":PORT,\"fingerprint\":\"" + ATTACKER_KEY + "\",\"padding\":\""
                        + "x".repeat(1 << 21) + "\"}", "1 MiB"));
    }

    private static String peer(String username, String host, String port, String fingerprint) {
        return "{\"username\":" + (username == null ? "null" : "\"" + username + "\"") + ",\"online\":true,"
                + "\"host\":\"" + host + "\",\"port\":" + port + ",\"fingerprint\":\"" + fingerprint + "\","
                + "\"lastSeen\":\"2026-11-29T10:00:00Z\"}";
    }

    @ParameterizedTest(name = "chat refuses {0}")
    @MethodSource("lies")
    void chatRefusesALyingAnswerWithoutDialing(String lie, String body, String named) throws Exception {
        answer = body.replace("PORT", Integer.toString(bait.getLocalPort())).getBytes(StandardCharsets.UTF_8);

        Peer.Result chat = me.run("a secret\n", "chat", "alice");

        assertRefused(chat, named);
    }

    @ParameterizedTest(name = "send refuses {0}")
    @MethodSource("lies")
    void sendRefusesALyingAnswerWithoutDialing(String lie, String body, String named) throws Exception {
        answer = body.replace("PORT", Integer.toString(bait.getLocalPort())).getBytes(StandardCharsets.UTF_8);
        Path secret = Files.writeString(tmp.resolve("secret.pdf"), "the secret");

        Peer.Result send = me.run("", "send", "alice", secret.toString());

        assertRefused(send, named);
    }

    private void assertRefused(Peer.Result result, String named) {
        assertThat(result.exit()).as(result.err()).isEqualTo(3);
        assertThat(result.err().lines()).as("one line, no stack trace").hasSize(1);
        assertThat(result.err()).contains(named);
        if (!named.equals("username") && !named.equals("1 MiB") && !named.equals("fingerprint")
                && !named.equals("port") && !named.equals("host")) {
            assertThat(result.err()).as("both names").contains("'alice'").contains(named);
        }
        assertThat(dialed).as("nothing was dialed").hasValue(0);
        assertThat(me.home().resolve("known_peers")).as("known_peers untouched").doesNotExist();
    }
}
