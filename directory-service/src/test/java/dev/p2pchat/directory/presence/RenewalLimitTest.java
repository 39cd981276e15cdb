package dev.p2pchat.directory.presence;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.ContractClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * A client renewing its presence as fast as it can: each account may renew {@code
 * directory.throttle.renewals} times per period; beyond, 429, answered late and without holding
 * a request thread while it waits. Two request threads here, so that a refusal that held one
 * would show.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "directory.throttle.renewals=3", "directory.throttle.renewals-per=1h",
        "server.tomcat.threads.max=2", "server.tomcat.threads.min-spare=1"})
@ActiveProfiles("test")
class RenewalLimitTest {

    @LocalServerPort
    int port;

    private ContractClient api;
    private String name;
    private String token;

    @BeforeEach
    void account() {
        api = new ContractClient(port);
        name = "renewer" + Long.toHexString(System.nanoTime());
        token = login(name);
    }

    private String login(String username) {
        api.post("/api/v1/accounts", null, json(Map.of("username", username, "password", "renewal secret")));
        return api.post("/api/v1/sessions", null, json(Map.of("username", username, "password", "renewal secret")))
                .body().get("token").asString();
    }

    private ContractClient.Reply renew(String bearer, int listenPort) {
        return api.put("/api/v1/presence", bearer, json(Map.of("port", listenPort)));
    }

    @Test
    void beyondItsBudgetARenewalIsRefusedLateAndChangesNothing() {
        for (int i = 0; i < 3; i++) {
            assertThat(renew(token, 7000 + i).status()).isEqualTo(200);
        }

        long start = System.nanoTime();
        ContractClient.Reply refused = renew(token, 7999);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().get("type").asString()).isEqualTo("/problems/too-many-requests");
        assertThat(refused.body().get("detail").asString()).startsWith("Too many presence renewals for your account");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.header("Connection")).as("closed after it, unread body and all").isEqualTo("close");
        assertThat(took).as("held for the refusal delay").isGreaterThanOrEqualTo(RenewalLimit.REFUSAL_DELAY.minusMillis(100));
        String other = login(name + "x");
        assertThat(api.get("/api/v1/peers/" + name, other).body().get("port").asInt())
                .as("the refused renewal's body was never used").isEqualTo(7002);
    }

    @Test
    void theBudgetIsPerAccountAndGoingOfflineIsNotCounted() {
        for (int i = 0; i < 3; i++) {
            renew(token, 7000);
        }
        assertThat(renew(token, 7000).status()).isEqualTo(429);

        assertThat(renew(login(name + "y"), 7001).status()).as("another account").isEqualTo(200);
        assertThat(api.delete("/api/v1/presence", token).status()).isEqualTo(204);
    }

    @Test
    void aBadTokenIsStillUnauthorizedNotThrottled() {
        assertThat(renew("not-a-token", 7000).status()).isEqualTo(401);
        assertThat(renew(token.substring(1) + "x", 7000).status()).isEqualTo(401);
    }

    @Test
    void refusalsWaitingForTheirAnswerHoldNoRequestThread() throws Exception {
        for (int i = 0; i < 3; i++) {
            renew(token, 7000);
        }
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> refusals = IntStream.range(0, 8)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> renew(token, 7000).status(), clients))
                    .toList();
            Thread.sleep(300); // all eight sent and waiting (a refusal waits at least a second)

            ContractClient.Reply lookup = api.get("/api/v1/peers/" + name, token);

            assertThat(lookup.status()).isEqualTo(200);
            assertThat(refusals).as("the lookup was answered while the refusals waited on both request threads")
                    .anyMatch(refusal -> !refusal.isDone());
            assertThat(refusals.stream().map(CompletableFuture::join)).containsOnly(429);
        } finally {
            clients.shutdownNow();
        }
    }
}
