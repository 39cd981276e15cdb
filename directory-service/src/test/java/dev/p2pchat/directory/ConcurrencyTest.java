package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** Races over real HTTP: the database, not luck, keeps the rules. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ConcurrencyTest {

    @LocalServerPort
    int port;

    private final ExecutorService pool = Executors.newFixedThreadPool(50);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void fiftyParallelRegistrationsOfOneNameGiveExactlyOneAccount() throws Exception {
        ContractClient api = new ContractClient(port);
        List<Integer> statuses = race(50, i -> api.post("/api/v1/accounts", null,
                json(Map.of("username", i % 2 == 0 ? "Racer" : "racer", "password", "password " + i))).status());

        assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
        assertThat(statuses.stream().filter(s -> s == 409)).hasSize(49);
    }

    @Test
    void twentyParallelWrongPasswordsLockTheAccountWithoutAnyServerError() throws Exception {
        ContractClient api = new ContractClient(port);
        api.post("/api/v1/accounts", null, json(Map.of("username", "target", "password", "the real one")));

        List<Integer> statuses = race(20, i -> api.post("/api/v1/sessions", null,
                json(Map.of("username", "target", "password", "guess number " + i))).status());

        // failures are counted one by one: the first two are 401, the third locks, the rest see the lock
        assertThat(statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())))
                .containsOnlyKeys(401, 423)
                .containsEntry(401, 2L)
                .containsEntry(423, 18L);
        assertThat(api.post("/api/v1/sessions", null,
                json(Map.of("username", "target", "password", "the real one"))).status()).isEqualTo(423);
    }

    @Test
    void aLoginFloodNeverStarvesLookups() throws Exception {
        ContractClient api = new ContractClient(port);
        api.post("/api/v1/accounts", null, json(Map.of("username", "flooder", "password", "flood password")));
        String token = api.post("/api/v1/sessions", null,
                json(Map.of("username", "flooder", "password", "flood password"))).body().get("token").asString();

        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> logins = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            logins.add(pool.submit(() -> {
                start.await();
                return api.post("/api/v1/sessions", null,
                        json(Map.of("username", "flooder", "password", "flood password"))).status();
            }));
        }
        start.countDown();
        for (int i = 0; i < 20; i++) {
            assertThat(api.get("/api/v1/peers/flooder", token).status()).isEqualTo(200);
        }
        for (Future<Integer> login : logins) {
            assertThat(login.get()).isIn(201, 503);
        }
    }

    private interface Call {
        int status(int i) throws Exception;
    }

    private List<Integer> race(int n, Call call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Callable<Integer> task = () -> {
                start.await();
                return call.status(index);
            };
            futures.add(pool.submit(task));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> future : futures) {
            statuses.add(future.get());
        }
        return statuses;
    }
}
