package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.keylog.TestIdentity;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/** The REST walk-through shared by the H2 and the PostgreSQL runs. */
final class Walkthrough {

    static final String FINGERPRINT = "ab".repeat(32);

    /**
     * Directory settings the walk-through needs: one BCrypt thread and no queue, so floods get
     * 503; the default throttle budgets over a day (a budget refills steadily over its period: on a
     * loaded machine a minute's would refill during the walk-through); and loopback as a trusted
     * proxy, so that calls can come from other addresses through X-Forwarded-For; 30 key log
     * reads per address; 20 presence renewals per account.
     */
    static final String[] SETTINGS = {"directory.bcrypt.pool-size=1", "directory.bcrypt.queue-capacity=0",
            "directory.bcrypt.cost=8", "directory.throttle.failed-logins=10", "directory.throttle.failed-logins-per=1d",
            "directory.throttle.registrations=5", "directory.throttle.registrations-per=1d",
            "directory.trusted-proxies=127.0.0.1", "directory.signal.max-channels=1",
            "directory.throttle.log-reads=30", "directory.throttle.log-reads-per=1d",
            "directory.throttle.renewals=20", "directory.throttle.renewals-per=1d"};

    private Walkthrough() {
    }

    /**
     * Every call and every documented status over real HTTP, each response checked against
     * openapi.yaml. Needs a fresh directory with BCrypt pool-size 1 and queue-capacity 0.
     */
    static void everyCallAndEveryDocumentedStatus(ContractClient api) throws Exception {

        assertThat(api.get("/livez", null).body().get("status").asString()).isEqualTo("UP");
        assertThat(api.get("/readyz", null).body().get("status").asString()).isEqualTo("UP");

        // register
        ContractClient.Reply created = api.post("/api/v1/accounts", null,
                json(Map.of("username", "Alice", "password", "correct horse")));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/peers/Alice");
        assertThat(created.body().get("username").asString()).isEqualTo("Alice");
        assertThat(api.post("/api/v1/accounts", null, json(Map.of("username", "bob", "password", "bob's secret")))
                .status()).isEqualTo(201);
        assertThat(api.post("/api/v1/accounts", null, json(Map.of("username", "ALICE", "password", "another one")))
                .status()).isEqualTo(409);
        ContractClient.Reply invalid = api.post("/api/v1/accounts", null,
                json(Map.of("username", "-x", "password", "short")));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().get("errors").findValuesAsString("field")).containsExactly("password", "username");
        assertThat(api.send("POST", "/api/v1/accounts", null, "text/plain", "alice").status()).isEqualTo(415);
        assertThat(api.post("/api/v1/accounts", null, "x".repeat(17_000)).status()).isEqualTo(413);

        // log in; three failures lock (the third already answers 423)
        ContractClient.Reply login = api.post("/api/v1/sessions", null,
                json(Map.of("username", "alice", "password", "correct horse", "fingerprint", FINGERPRINT)));
        assertThat(login.status()).isEqualTo(201);
        assertThat(login.body().get("username").asString()).isEqualTo("Alice");
        String alice = login.body().get("token").asString();
        String bob = api.post("/api/v1/sessions", null, json(Map.of("username", "bob", "password", "bob's secret")))
                .body().get("token").asString();
        api.post("/api/v1/accounts", null, json(Map.of("username", "carol", "password", "carol's secret")));
        for (int i = 0; i < 2; i++) {
            ContractClient.Reply wrong = api.post("/api/v1/sessions", null,
                    json(Map.of("username", "carol", "password", "not her secret")));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.header("WWW-Authenticate")).startsWith("Bearer");
        }
        ContractClient.Reply locked = api.post("/api/v1/sessions", null,
                json(Map.of("username", "carol", "password", "not her secret")));
        assertThat(locked.status()).isEqualTo(423);
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(890L, 900L);
        assertThat(locked.body().get("lockedUntil").asString()).isNotBlank();
        assertThat(api.post("/api/v1/sessions", null, json(Map.of("username", "carol", "password", "carol's secret")))
                .status()).as("even the right password while locked").isEqualTo(423);
        assertThat(api.post("/api/v1/sessions", null, json(Map.of("username", "carol"))).status()).isEqualTo(400);
        assertThat(api.send("POST", "/api/v1/sessions", null, "application/xml", "<x/>").status()).isEqualTo(415);
        assertThat(api.postChunked("/api/v1/sessions",
                ("{\"username\":\"" + "a".repeat(20_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .status()).as("a chunked body without Content-Length").isEqualTo(413);
        // floods from many addresses, as the BCrypt pool's bound is for
        AtomicInteger sources = new AtomicInteger();
        assertThat(floodUntilBusy(201, () -> api.forwardedFor("198.51.100." + sources.incrementAndGet() % 250)
                .post("/api/v1/sessions", null, json(Map.of("username", "bob", "password", "bob's secret")))))
                .as("logins answer 503 when busy").isTrue();
        AtomicInteger names = new AtomicInteger();
        assertThat(floodUntilBusy(201, () -> {
            int n = names.incrementAndGet(); // once: two threads must never register the same name
            return api.forwardedFor("192.0.2." + n % 250)
                    .post("/api/v1/accounts", null, json(Map.of("username", "user" + n, "password", "a password")));
        }))
                .as("registrations answer 503 when busy").isTrue();

        // the flood's last hashes may still hold the one BCrypt thread: wait until it is free again
        awaitPasswordCheckIdle(api);

        // one address's budgets: 5 new accounts an hour, 10 failed logins a minute
        ContractClient squatter = api.forwardedFor("203.0.113.50");
        for (int i = 0; i < 5; i++) {
            assertThat(squatter.post("/api/v1/accounts", null, json(Map.of("username", "squat" + i, "password", "a password")))
                    .status()).isEqualTo(201);
        }
        ContractClient.Reply throttled = squatter.post("/api/v1/accounts", null,
                json(Map.of("username", "squat5", "password", "a password")));
        assertThat(throttled.status()).as("the sixth account from one address").isEqualTo(429);
        assertThat(throttled.body().get("type").asString()).isEqualTo("/problems/too-many-requests");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 86_400L);
        ContractClient sprayer = api.forwardedFor("203.0.113.51");
        for (int i = 0; i < 10; i++) {
            assertThat(sprayer.post("/api/v1/sessions", null, json(Map.of("username", "squat" + i % 5, "password", "Password1")))
                    .status()).isIn(401, 423);
        }
        throttled = sprayer.post("/api/v1/sessions", null, json(Map.of("username", "bob", "password", "Password1")));
        assertThat(throttled.status()).as("the eleventh failed login from one address").isEqualTo(429);
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 86_400L);

        // presence
        assertThat(api.put("/api/v1/presence", null, json(Map.of("port", 7000))).status()).isEqualTo(401);
        ContractClient.Reply online = api.put("/api/v1/presence", alice, json(Map.of("port", 7000)));
        assertThat(online.status()).isEqualTo(200);
        assertThat(online.body().get("host").asString()).isEqualTo("127.0.0.1");
        ContractClient.Reply chosenHost = api.put("/api/v1/presence", bob,
                json(Map.of("port", 7001, "host", "10.0.0.1")));
        assertThat(chosenHost.status()).as("a chosen host is refused").isEqualTo(400);
        assertThat(chosenHost.body().get("errors").findValuesAsString("field")).containsExactly("host");
        assertThat(api.put("/api/v1/presence", bob, json(Map.of("port", 7001))).status()).isEqualTo(200);
        assertThat(api.put("/api/v1/presence", alice, json(Map.of("port", 70000))).status()).isEqualTo(400);
        assertThat(api.send("PUT", "/api/v1/presence", alice, "text/plain", "7000").status()).isEqualTo(415);
        assertThat(api.put("/api/v1/presence", alice, " ".repeat(20_000)).status()).isEqualTo(413);
        // a client renewing as fast as it can: 20 renewals an account per period, then 429 (after a delay)
        ContractClient.Reply renewed;
        int renewals = 2; // bob's two above
        do {
            renewed = api.put("/api/v1/presence", bob, json(Map.of("port", 7001)));
        } while (renewed.status() == 200 && ++renewals <= 21);
        assertThat(renewed.status()).as("bob's renewal number " + renewals).isEqualTo(429);
        assertThat(renewals).isEqualTo(20);
        assertThat(renewed.body().get("detail").asString()).startsWith("Too many presence renewals for your account");
        assertThat(Long.parseLong(renewed.header("Retry-After"))).isBetween(1L, 86_400L);

        // list and page
        ContractClient.Reply first = api.get("/api/v1/peers?limit=1", alice);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("peers").findValuesAsString("username")).containsExactly("Alice");
        assertThat(first.body().get("next").asString()).isEqualTo("Alice");
        ContractClient.Reply second = api.get("/api/v1/peers?limit=1&after=Alice", alice);
        assertThat(second.body().get("peers").findValuesAsString("username")).containsExactly("bob");
        assertThat(second.body().get("next").isNull()).isTrue();
        assertThat(api.get("/api/v1/peers?limit=0", alice).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/peers", null).status()).isEqualTo(401);

        // look up
        ContractClient.Reply peer = api.get("/api/v1/peers/ALICE", bob);
        assertThat(peer.status()).isEqualTo(200);
        assertThat(peer.body().get("online").asBoolean()).isTrue();
        assertThat(peer.body().get("port").asInt()).isEqualTo(7000);
        assertThat(peer.body().get("fingerprint").asString()).isEqualTo(FINGERPRINT);
        assertThat(api.get("/api/v1/peers/nobody", bob).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/peers/bob", "not-a-token").status()).isEqualTo(401);

        // the signalling channel: a WebSocket upgrade, answered like every locked call
        assertThat(api.upgrade("/api/v1/signal", null, true).status()).isEqualTo(401);
        assertThat(api.upgrade("/api/v1/signal", "not-a-token", true).status()).isEqualTo(401);
        assertThat(api.upgrade("/api/v1/signal?listen=maybe", alice, true).status()).isEqualTo(400);
        assertThat(api.upgrade("/api/v1/signal", alice, false).status()).as("not an upgrade").isEqualTo(400);
        try (ContractClient.Upgrade channel = api.upgrade("/api/v1/signal?listen=true", alice, true)) {
            assertThat(channel.status()).isEqualTo(101);
            assertThat(channel.headers().get("Sec-WebSocket-Accept")).containsExactly("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                    api.get("/api/v1/peers/alice", bob).body().get("signal").asBoolean());
            ContractClient.Upgrade full = api.upgrade("/api/v1/signal", bob, true);
            assertThat(full.status()).as("directory.signal.max-channels=1").isEqualTo(503);
            assertThat(full.headers().get("Retry-After")).containsExactly("5");
        }

        // local addresses, and the lookup shows them with "signal"
        assertThat(api.put("/api/v1/presence", alice, json(Map.of("port", 7000, "addresses",
                List.of(Map.of("host", "192.168.1.20", "port", 7000, "kind", "local")))))
                .status()).isEqualTo(200);
        ContractClient.Reply withAddresses = api.get("/api/v1/peers/alice", bob);
        assertThat(withAddresses.body().get("addresses").get(0).get("host").asString()).isEqualTo("192.168.1.20");
        assertThat(api.put("/api/v1/presence", alice, json(Map.of("port", 7000, "addresses",
                List.of(Map.of("host", "127.0.0.1", "port", 7000))))).status()).as("loopback").isEqualTo(400);

        // offline, log out
        assertThat(api.delete("/api/v1/presence", alice).status()).isEqualTo(204);
        ContractClient.Reply offline = api.get("/api/v1/peers/alice", bob);
        assertThat(offline.body().get("online").asBoolean()).isFalse();
        assertThat(offline.body().get("host").isNull()).isTrue();
        assertThat(offline.body().get("lastSeen").isNull()).isFalse();
        assertThat(api.delete("/api/v1/presence", null).status()).isEqualTo(401);
        assertThat(api.delete("/api/v1/sessions/current", bob).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/peers", bob).status()).as("revoked").isEqualTo(401);
        assertThat(api.delete("/api/v1/sessions/current", bob).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/peers/bob", alice).body().get("online").asBoolean())
                .as("logout also goes offline").isFalse();

        keyLog(api);

        assertThat(api.seen()).containsAll(documentedResponses());
    }

    /** The key log: lookups carry proofs, the public reads, a rotation and its refusals, the budget. */
    private static void keyLog(ContractClient api) throws Exception {
        ContractClient.Reply alice = api.get("/api/v1/peers/alice",
                login(api, "bob", "bob's secret", null));
        JsonNode keyLog = alice.body().get("keyLog");
        assertThat(keyLog.get("entry").get("username").asString()).isEqualTo("alice");
        assertThat(keyLog.get("entry").get("kind").asString()).isEqualTo("first");
        assertThat(keyLog.get("entry").get("fingerprint").asString()).isEqualTo(FINGERPRINT);
        assertThat(keyLog.get("head").get("size").asLong()).isGreaterThan(keyLog.get("entry").get("index").asLong());

        ContractClient reader = api.forwardedFor("203.0.113.60");
        ContractClient.Reply logKey = reader.get("/.well-known/p2pchat-log-key", null);
        assertThat(logKey.status()).isEqualTo(200);
        assertThat(logKey.body().get("algorithm").asString()).isEqualTo("Ed25519");

        // dave logs in with a real key and rotates to another, signed by the first
        assertThat(api.forwardedFor("203.0.113.61").post("/api/v1/accounts", null,
                json(Map.of("username", "Dave", "password", "dave's secret"))).status()).isEqualTo(201);
        TestIdentity old = TestIdentity.generate();
        TestIdentity next = TestIdentity.generate();
        String dave = login(api, "dave", "dave's secret", old.fingerprint());
        String rotate = json(Map.of("fingerprint", next.fingerprint(), "certificate", old.certificateBase64(),
                "signature", old.signRotation("dave", next.fingerprint())));
        assertThat(api.put("/api/v1/keys/current", null, rotate).status()).isEqualTo(401);
        ContractClient.Reply forged = api.put("/api/v1/keys/current", dave, json(Map.of("fingerprint", next.fingerprint(),
                "certificate", old.certificateBase64(), "signature", next.signRotation("dave", next.fingerprint()))));
        assertThat(forged.status()).as("signed by the new key, not the old").isEqualTo(400);
        assertThat(forged.body().get("type").asString()).isEqualTo("/problems/invalid-rotation");
        assertThat(api.put("/api/v1/keys/current", dave, json(Map.of("fingerprint", "x"))).status()).isEqualTo(400);
        assertThat(api.send("PUT", "/api/v1/keys/current", dave, "text/plain", rotate).status()).isEqualTo(415);
        assertThat(api.put("/api/v1/keys/current", dave, " ".repeat(20_000)).status()).isEqualTo(413);
        ContractClient.Reply rotated = api.put("/api/v1/keys/current", dave, rotate);
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.body().get("entry").get("kind").asString()).isEqualTo("rotation");
        assertThat(rotated.body().get("entry").get("previous").asString()).isEqualTo(old.fingerprint());
        ContractClient.Reply again = api.put("/api/v1/keys/current", dave, json(Map.of("fingerprint", next.fingerprint(),
                "certificate", next.certificateBase64(), "signature", next.signRotation("dave", next.fingerprint()))));
        assertThat(again.status()).as("already the current key").isEqualTo(409);
        assertThat(api.get("/api/v1/peers/Dave", dave).body().get("fingerprint").asString()).isEqualTo(next.fingerprint());

        ContractClient.Reply history = reader.get("/api/v1/log/keys/DAVE", null);
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.body().get("entries").findValuesAsString("kind")).containsExactly("first", "rotation");
        assertThat(history.body().get("truncated").asBoolean()).isFalse();
        assertThat(reader.get("/api/v1/log/keys/nobody", null).status()).isEqualTo(404);

        ContractClient.Reply head = reader.get("/api/v1/log/head", null);
        assertThat(head.status()).isEqualTo(200);
        long size = head.body().get("size").asLong();
        assertThat(size).isEqualTo(rotated.body().get("head").get("size").asLong());
        ContractClient.Reply proof = reader.get("/api/v1/log/consistency?from=1&to=" + size, null);
        assertThat(proof.status()).isEqualTo(200);
        assertThat(proof.body().get("to").asLong()).isEqualTo(size);
        assertThat(reader.get("/api/v1/log/consistency?from=1&to=" + (size + 1), null).status()).isEqualTo(400);
        assertThat(reader.get("/api/v1/log/consistency?from=0&to=1", null).status()).isEqualTo(400);

        // five key events a day per account (first, rotations, resets): dave has two, three more pass
        TestIdentity current = next;
        for (int i = 0; i < 3; i++) {
            TestIdentity following = TestIdentity.generate();
            assertThat(api.put("/api/v1/keys/current", dave, json(Map.of("fingerprint", following.fingerprint(),
                    "certificate", current.certificateBase64(), "signature", current.signRotation("dave",
                            following.fingerprint())))).status()).isEqualTo(200);
            current = following;
        }
        TestIdentity sixth = TestIdentity.generate();
        ContractClient.Reply spent = api.put("/api/v1/keys/current", dave, json(Map.of("fingerprint", sixth.fingerprint(),
                "certificate", current.certificateBase64(), "signature", current.signRotation("dave", sixth.fingerprint()))));
        assertThat(spent.status()).isEqualTo(429);
        assertThat(spent.header("Retry-After")).isNotNull();
        assertThat(spent.body().get("type").asString()).isEqualTo("/problems/too-many-key-events");

        // one address's budget of log reads: 30 a day in the walk-through
        ContractClient crawler = api.forwardedFor("203.0.113.62");
        for (int i = 0; i < 30; i++) {
            assertThat(crawler.get("/api/v1/log/head", null).status()).isEqualTo(200);
        }
        for (String path : List.of("/api/v1/log/head", "/api/v1/log/consistency?from=1&to=1", "/api/v1/log/keys/dave",
                "/.well-known/p2pchat-log-key")) {
            ContractClient.Reply throttled = crawler.get(path, null);
            assertThat(throttled.status()).as(path).isEqualTo(429);
            assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 86_400L);
        }
    }

    private static String login(ContractClient api, String username, String password, String fingerprint) {
        Map<String, String> body = new java.util.HashMap<>(Map.of("username", username, "password", password));
        if (fingerprint != null) {
            body.put("fingerprint", fingerprint);
        }
        ContractClient.Reply reply = api.post("/api/v1/sessions", null, json(body));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return reply.body().get("token").asString();
    }

    /** Concurrent calls on a one-thread, no-queue BCrypt pool: some must get 503. */
    private static boolean floodUntilBusy(int ok, Callable<ContractClient.Reply> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<ContractClient.Reply>> replies = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    replies.add(pool.submit(() -> {
                        start.await();
                        return call.call();
                    }));
                }
                start.countDown();
                boolean busy = false;
                for (Future<ContractClient.Reply> reply : replies) {
                    ContractClient.Reply r = reply.get();
                    assertThat(r.status()).isIn(ok, 503);
                    if (r.status() == 503) {
                        assertThat(r.header("Retry-After")).isEqualTo("1");
                        busy = true;
                    }
                }
                if (busy) {
                    return true;
                }
            }
            return false;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Registers from fresh addresses until one is not answered 503 (each address spends its own budget). */
    private static void awaitPasswordCheckIdle(ContractClient api) throws InterruptedException {
        for (int i = 1; i <= 200; i++) {
            int status = api.forwardedFor("198.51.100." + i)
                    .post("/api/v1/accounts", null, json(Map.of("username", "idle" + i, "password", "a password")))
                    .status();
            if (status != 503) {
                assertThat(status).isEqualTo(201);
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the password check stayed busy after the flood");
    }

    private static Set<String> documentedResponses() {
        Set<String> documented = new TreeSet<>();
        spec().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                operation.getResponses().keySet().forEach(status ->
                        documented.add(method.name() + " " + path + " " + status))));
        return documented;
    }

    static OpenAPI spec() {
        return new OpenAPIV3Parser().read(
                Walkthrough.class.getResource("/static/openapi.yaml").toString());
    }
}
