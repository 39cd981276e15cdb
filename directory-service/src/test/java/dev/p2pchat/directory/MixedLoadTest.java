package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Registrations, logins (some wrong), lookups and presence renewals from 16 clients at once:
 * no answer but the documented ones (503 only as overflow), every answer valid against
 * openapi.yaml, and the service healthy afterwards. {@code -Dp2pchat.load.seconds=60} runs
 * the documented one-minute version (docs/RELIABILITY.md).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // renewals as fast as the clients go, as load, not refused (RenewalLimitTest covers the budget)
        properties = {"directory.bcrypt.cost=6", "directory.bcrypt.queue-capacity=4", "directory.throttle.renewals=1000000"})
@ActiveProfiles("test")
class MixedLoadTest {

    private static final Duration LOAD = Duration.ofSeconds(Long.getLong("p2pchat.load.seconds", 8));
    private static final int CLIENTS = 16;

    @LocalServerPort
    int port;

    @Test
    void mixedLoadGetsOnlyDocumentedAnswersAndLeavesTheServiceHealthy() throws Exception {
        ContractClient setup = new ContractClient(port);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            setup.post("/api/v1/accounts", null, json(Map.of("username", "load" + i, "password", "load password " + i)));
            tokens.add(setup.post("/api/v1/sessions", null,
                    json(Map.of("username", "load" + i, "password", "load password " + i))).body().get("token").asString());
        }
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        long end = System.nanoTime() + LOAD.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.execute(() -> {
                ContractClient api = new ContractClient(port, ConcurrentHashMap.newKeySet());
                SplittableRandom random = new SplittableRandom(client);
                String token = tokens.get(client);
                for (int i = 0; System.nanoTime() < end; i++) {
                    int roll = random.nextInt(100);
                    ContractClient.Reply reply;
                    if (roll < 10) {
                        reply = api.post("/api/v1/accounts", null,
                                json(Map.of("username", "new" + client + "x" + i, "password", "new password")));
                    } else if (roll < 30) {
                        boolean right = random.nextInt(4) != 0;
                        reply = api.post("/api/v1/sessions", null, json(Map.of("username", "load" + random.nextInt(CLIENTS),
                                "password", right ? "load password " + client : "wrong password")));
                    } else if (roll < 80) {
                        reply = api.get("/api/v1/peers/load" + random.nextInt(CLIENTS), token);
                    } else if (roll < 95) {
                        reply = api.put("/api/v1/presence", token, json(Map.of("port", 7000 + client)));
                    } else {
                        reply = api.get("/api/v1/peers?limit=10", token);
                    }
                    statuses.computeIfAbsent(reply.status(), s -> new LongAdder()).increment();
                }
            });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(LOAD.toSeconds() + 60, TimeUnit.SECONDS)).isTrue();

        System.out.println("Mixed load for " + LOAD.toSeconds() + " s, answers by status: " + statuses);
        assertThat(statuses.keySet()).isSubsetOf(200, 201, 204, 401, 423, 503);
        assertThat(statuses.get(200).sum()).isPositive();
        assertThat(setup.get("/readyz", null).body().get("status").asString()).isEqualTo("UP");
        assertThat(setup.get("/api/v1/peers/load0", tokens.get(0)).status()).isEqualTo(200);
    }
}
