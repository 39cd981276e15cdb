package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.directory.signal.SignalClient;
import dev.p2pchat.directory.signal.SignalTestAccess;
import dev.p2pchat.directory.system.Housekeeping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two directory instances on one PostgreSQL behave as one directory. */
class TwoInstancesPostgresIT {

    private static PostgresInstances postgres;
    private static ContractClient a;
    private static ContractClient b;

    @BeforeAll
    static void twoInstances() {
        postgres = new PostgresInstances();
        a = new ContractClient(postgres.start());
        b = new ContractClient(postgres.start());
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String login(ContractClient api, String username, String password) {
        ContractClient.Reply reply = api.post("/api/v1/sessions", null, json(Map.of("username", username, "password", password)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return reply.body().get("token").asString();
    }

    @Test
    void anAccountRegisteredOnOneLogsInOnTheOther() {
        assertThat(a.post("/api/v1/accounts", null, json(Map.of("username", "Shared", "password", "shared secret")))
                .status()).isEqualTo(201);

        assertThat(login(b, "shared", "shared secret")).hasSize(43);
        assertThat(b.post("/api/v1/accounts", null, json(Map.of("username", "SHARED", "password", "other secret")))
                .status()).as("taken on every instance").isEqualTo(409);
    }

    @Test
    void failuresCountedOnBothInstancesLockAfterThreeInTotal() {
        a.post("/api/v1/accounts", null, json(Map.of("username", "target", "password", "right password")));
        String wrong = json(Map.of("username", "target", "password", "wrong password"));

        assertThat(a.post("/api/v1/sessions", null, wrong).status()).isEqualTo(401);
        assertThat(b.post("/api/v1/sessions", null, wrong).status()).isEqualTo(401);
        assertThat(a.post("/api/v1/sessions", null, wrong).status()).as("the third, on either instance").isEqualTo(423);
        assertThat(b.post("/api/v1/sessions", null, json(Map.of("username", "target", "password", "right password")))
                .status()).as("locked on the other instance too").isEqualTo(423);
    }

    @Test
    void presencePublishedOnOneIsListedByTheOther() {
        a.post("/api/v1/accounts", null, json(Map.of("username", "walker", "password", "walker secret")));
        a.post("/api/v1/accounts", null, json(Map.of("username", "watcher", "password", "watcher secret")));
        String walker = login(a, "walker", "walker secret");
        String watcher = login(b, "watcher", "watcher secret");

        assertThat(a.put("/api/v1/presence", walker, json(Map.of("port", 7100))).status()).isEqualTo(200);

        assertThat(b.get("/api/v1/peers?limit=500", watcher).body().get("peers").findValuesAsString("username"))
                .contains("walker");
        ContractClient.Reply lookup = b.get("/api/v1/peers/walker", watcher);
        assertThat(lookup.body().get("online").asBoolean()).isTrue();
        assertThat(lookup.body().get("port").asInt()).isEqualTo(7100);
    }

    @Test
    void housekeepingPurgesExpiredRowsOnPostgres() {
        a.post("/api/v1/accounts", null, json(Map.of("username", "expired", "password", "expired secret")));
        String token = login(a, "expired", "expired secret");
        postgres.jdbc().update("update session_token set expires_at = now() - interval '1 minute'");
        // the listener rows of an instance that died without a word (no heartbeat row at all)
        postgres.jdbc().update("""
                insert into signal_listener (account_id, instance_id)
                select id, '00000000-0000-0000-0000-00000000dead' from account""");

        postgres.bean(0, Housekeeping.class).purgeExpired();

        assertThat(postgres.jdbc().queryForObject("select count(*) from session_token where expires_at < now()", Long.class))
                .isZero();
        assertThat(postgres.jdbc().queryForObject(
                "select count(*) from signal_listener where instance_id = '00000000-0000-0000-0000-00000000dead'", Long.class))
                .isZero();
        assertThat(b.get("/api/v1/peers", token).status()).isEqualTo(401);
    }

    @Test
    void aConnectSentToOneInstanceReachesAListeningChannelOnTheOtherAndTheReplyComesBack() throws Exception {
        a.post("/api/v1/accounts", null, json(Map.of("username", "caller", "password", "caller secret")));
        a.post("/api/v1/accounts", null, json(Map.of("username", "callee", "password", "callee secret")));
        String caller = login(a, "caller", "caller secret");
        String callee = login(b, "callee", "callee secret");
        String attempt = "BBBBBBBBBBBBBBBBBBBBBB";

        try (SignalClient listener = SignalClient.listening(b.port(), callee);
             SignalClient dialer = SignalClient.dialing(a.port(), caller)) {
            assertThat(listener.next().get("type").asString()).isEqualTo("welcome");
            assertThat(dialer.next().get("type").asString()).isEqualTo("welcome");
            assertThat(a.get("/api/v1/peers/callee", caller).body().get("signal").asBoolean())
                    .as("the other instance's listener, seen through the database").isTrue();

            dialer.send(Map.of("type", "connect", "to", "callee", "attempt", attempt, "addresses", List.of()));
            JsonNode connect = listener.next();
            assertThat(connect.get("type").asString()).isEqualTo("connect");
            assertThat(connect.get("from").asString()).isEqualTo("caller");

            listener.send(Map.of("type", "accept", "to", "caller", "attempt", attempt, "addresses", List.of()));
            JsonNode accept = dialer.next();
            assertThat(accept.get("type").asString()).isEqualTo("accept");
            assertThat(accept.get("from").asString()).isEqualTo("callee");

            listener.send(Map.of("type", "relay", "to", "caller", "attempt", attempt));
            String token = listener.next().get("token").asString();
            assertThat(dialer.next().get("token").asString()).as("one token for both, across instances").isEqualTo(token);
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                !a.get("/api/v1/peers/callee", caller).body().get("signal").asBoolean());
    }

    @Test
    void aLogoutOnOneInstanceClosesTheChannelOpenedWithThatTokenOnTheOther() throws Exception {
        a.post("/api/v1/accounts", null, json(Map.of("username", "roamer", "password", "roamer secret")));
        String token = login(a, "roamer", "roamer secret");
        try (SignalClient channel = SignalClient.listening(b.port(), token)) {
            channel.next();
            assertThat(a.delete("/api/v1/sessions/current", token).status()).isEqualTo(204);
            assertThat(channel.closeCode()).isEqualTo(1008);
        }
    }

    @Test
    void theBusListensAgainAfterItsConnectionBreaks() throws Exception {
        a.post("/api/v1/accounts", null, json(Map.of("username", "steady", "password", "steady secret")));
        a.post("/api/v1/accounts", null, json(Map.of("username", "caller2", "password", "caller2 secret")));
        String steady = login(b, "steady", "steady secret");
        String caller = login(a, "caller2", "caller2 secret");
        org.springframework.context.ApplicationContext second = postgres.app(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> SignalTestAccess.busListening(second));
        SignalTestAccess.breakBus(second);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> !SignalTestAccess.busListening(second));
        await().atMost(Duration.ofSeconds(15)).until(() -> SignalTestAccess.busListening(second));

        try (SignalClient listener = SignalClient.listening(b.port(), steady);
             SignalClient dialer = SignalClient.dialing(a.port(), caller)) {
            listener.next();
            dialer.next();
            dialer.send(Map.of("type", "connect", "to", "steady", "attempt", "CCCCCCCCCCCCCCCCCCCCCC", "addresses", List.of()));
            assertThat(listener.next().get("from").asString()).isEqualTo("caller2");
        }
    }

    /** Each instance remembers a checked token for 60 s; the bus tells the other of a logout at once. */
    @Test
    void aTokenRevokedOnOneIsRefusedByTheOtherAtOnce() {
        a.post("/api/v1/accounts", null, json(Map.of("username", "leaver", "password", "leaver secret")));
        String token = login(a, "leaver", "leaver secret");
        assertThat(b.get("/api/v1/peers", token).status()).as("b now remembers the token").isEqualTo(200);

        long revoked = System.nanoTime();
        assertThat(a.delete("/api/v1/sessions/current", token).status()).isEqualTo(204);
        assertThat(a.get("/api/v1/peers", token).status()).as("at once where it was revoked").isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> b.get("/api/v1/peers", token).status() == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - revoked)).as("told over the bus, not waiting out the cache")
                .isLessThan(Duration.ofSeconds(3));
    }

    /**
     * A logout sent while an instance's bus was down is lost to it: that instance checks every
     * token again, those it remembers and those its open channels were opened with.
     */
    @Test
    void aTokenRevokedWhileTheOthersBusWasDownIsRefusedOnceItListensAgain() throws Exception {
        a.post("/api/v1/accounts", null, json(Map.of("username", "absent", "password", "absent secret")));
        String token = login(a, "absent", "absent secret");
        assertThat(b.get("/api/v1/peers", token).status()).as("b now remembers the token").isEqualTo(200);
        org.springframework.context.ApplicationContext second = postgres.app(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> SignalTestAccess.busListening(second));
        try (SignalClient channel = SignalClient.listening(b.port(), token)) {
            assertThat(channel.next().get("type").asString()).isEqualTo("welcome");

            SignalTestAccess.breakBus(second);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !SignalTestAccess.busListening(second));
            assertThat(a.delete("/api/v1/sessions/current", token).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(15)).until(() -> SignalTestAccess.busListening(second));

            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> b.get("/api/v1/peers", token).status() == 401);
            assertThat(channel.closeCode()).as("the channel opened with the revoked token").isEqualTo(1008);
        }
    }
}
