package dev.p2pchat.peer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.p2pchat.peer.command.Home;
import dev.p2pchat.peer.identity.Identity;
import dev.p2pchat.peer.keylog.TestLog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A split view caught through HELLO: a directory (a fake serving the real API shape) shows alice
 * and bob two logs of the same size, each consistent on its own and signed with the same log key,
 * in which carol's entry is missing from bob's view. Neither lookup alone can tell; when the two
 * connect, each compares the other's head with its own and both are told about the fork, with
 * both heads. The chat goes on.
 */
class KeyLogForkEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALICE_TOKEN = "a".repeat(43);
    private static final String BOB_TOKEN = "b".repeat(43);

    @TempDir
    Path tmp;

    private HttpServer directory;
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        if (directory != null) {
            directory.stop(0);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
        if (status != 204) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String token(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header == null ? "" : header.substring("Bearer ".length());
    }

    @Test
    void twoPeersShownDifferentLogsAreBothToldWhenTheyMeet() throws Exception {
        Path aliceHome = tmp.resolve("alice");
        Path bobHome = tmp.resolve("bob");
        String aliceKey = Identity.loadOrCreate(aliceHome).fingerprint();
        String bobKey = Identity.loadOrCreate(bobHome).fingerprint();
        // the same key signs both; bob's view lacks carol's entry (another in its place)
        TestLog shownToAlice = new TestLog().first("alice", aliceKey).first("bob", bobKey).first("carol", "c0".repeat(32));
        TestLog shownToBob = shownToAlice.sameKey().rewrite(2, "6d".repeat(32));
        Map<String, String> names = Map.of(ALICE_TOKEN, "alice", BOB_TOKEN, "bob");
        Map<String, TestLog> views = Map.of(ALICE_TOKEN, shownToAlice, BOB_TOKEN, shownToBob);

        directory = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        directory.createContext("/api/v1/presence", exchange -> {
            String who = names.get(token(exchange));
            if (!"PUT".equals(exchange.getRequestMethod())) {
                answer(exchange, 204, "");
                return;
            }
            int port = JsonMapper.builder().build().readTree(exchange.getRequestBody()).get("port").asInt();
            ports.put(who, port);
            answer(exchange, 200, "{\"username\":\"" + who + "\",\"host\":\"127.0.0.1\",\"port\":" + port
                    + ",\"expiresAt\":\"" + Instant.now().plus(1, ChronoUnit.MINUTES) + "\"}");
        });
        directory.createContext("/api/v1/peers/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/api/v1/peers/".length());
            TestLog view = views.get(token(exchange));
            answer(exchange, 200, view.lookup(name, name.equals("alice") ? aliceKey : bobKey, "127.0.0.1",
                    ports.getOrDefault(name, 9)));
        });
        directory.createContext("/.well-known/p2pchat-log-key", exchange -> answer(exchange, 200, shownToAlice.wellKnown()));
        directory.start();
        String url = "http://127.0.0.1:" + directory.getAddress().getPort();
        Instant expiry = Instant.now().plus(1, ChronoUnit.HOURS);
        new Home(aliceHome).saveSession(new Home.SavedSession(url, "alice", ALICE_TOKEN, expiry));
        new Home(bobHome).saveSession(new Home.SavedSession(url, "bob", BOB_TOKEN, expiry));
        Peer alice = new Peer("alice", aliceHome, url);
        Peer bob = new Peer("bob", bobHome, url);

        // each lookup alone passes: every view is consistent with itself
        assertThat(bob.run("", "lookup", "alice").exit()).isZero();
        Peer.Running bobListens = bob.start("listen", "--once");
        await().atMost(WAIT).until(() -> bobListens.err().contains("Online as") || bobListens.exit().isDone());
        Peer.Running aliceChats = alice.start("chat", "bob");
        await().atMost(WAIT).until(() -> bobListens.err().contains("alice connected"));
        aliceChats.type("hi bob");
        await().atMost(WAIT).until(() -> bobListens.out().contains("alice: hi bob"));
        aliceChats.type("close");
        assertThat(aliceChats.waitFor(WAIT)).as(aliceChats.err()).isZero();
        assertThat(bobListens.waitFor(WAIT)).isZero();

        assertThat(aliceChats.err()).contains("WARNING: the directory shows bob and you DIFFERENT key logs (a fork)")
                .contains("size 3, root " + shownToBob.rootHash().substring(0, 16))
                .contains("you hold size 3, root " + shownToAlice.rootHash().substring(0, 16));
        assertThat(bobListens.err()).contains("WARNING: the directory shows alice and you DIFFERENT key logs (a fork)")
                .contains("same size with different roots");
    }
}
