package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.p2pchat.directory.system.PasswordHashing;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * One address tries a common password against every account, all at once: after its budget of
 * failed logins it is refused with 429 before any password is checked, and other addresses are
 * not affected. (Addresses are told through a trusted proxy's X-Forwarded-For.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "directory.trusted-proxies=127.0.0.1", "directory.throttle.failed-logins=10",
        "directory.throttle.failed-logins-per=1m", "directory.throttle.registrations=5",
        "directory.throttle.registrations-per=1h", "directory.bcrypt.queue-capacity=64"})
@ActiveProfiles("test")
class PasswordSprayTest {

    private static final int ACCOUNTS = 30;

    @LocalServerPort
    int port;

    @MockitoSpyBean
    PasswordHashing hashing;

    private final ExecutorService pool = Executors.newFixedThreadPool(ACCOUNTS);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aSprayFromOneAddressIsStoppedBeforeAnyPasswordCheckAndOthersCarryOn() throws Exception {
        ContractClient api = new ContractClient(port);
        for (int i = 0; i < ACCOUNTS; i++) {
            assertThat(api.forwardedFor("198.51.100." + (i + 1)).post("/api/v1/accounts", null,
                    json(Map.of("username", "user" + i, "password", "secret of user " + i))).status()).isEqualTo(201);
        }
        clearInvocations(hashing);

        ContractClient sprayer = api.forwardedFor("203.0.113.5");
        List<ContractClient.Reply> replies = all(ACCOUNTS, i -> sprayer.post("/api/v1/sessions", null,
                json(Map.of("username", "user" + i, "password", "Password1"))));

        assertThat(replies.stream().collect(Collectors.groupingBy(ContractClient.Reply::status, Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(Map.of(401, 10L, 429, 20L));
        ContractClient.Reply refused = replies.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
        assertThat(refused.body().get("type").asString()).isEqualTo("/problems/too-many-requests");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        verify(hashing, atMost(10)).matches(any(), anyString());

        clearInvocations(hashing);
        assertThat(sprayer.post("/api/v1/sessions", null,
                json(Map.of("username", "user0", "password", "secret of user 0"))).status())
                .as("even the right password is refused from that address for now").isEqualTo(429);
        verify(hashing, never()).matches(any(), anyString());

        ContractClient other = api.forwardedFor("203.0.113.6");
        assertThat(other.post("/api/v1/sessions", null,
                json(Map.of("username", "user0", "password", "secret of user 0"))).status()).isEqualTo(201);
        assertThat(other.post("/api/v1/sessions", null,
                json(Map.of("username", "user1", "password", "a wrong guess"))).status()).isEqualTo(401);
    }

    @Test
    void successfulLoginsCostNothing() {
        ContractClient api = new ContractClient(port).forwardedFor("192.0.2.77");
        api.post("/api/v1/accounts", null, json(Map.of("username", "frequent", "password", "frequent secret")));
        for (int i = 0; i < 30; i++) {
            assertThat(api.post("/api/v1/sessions", null,
                    json(Map.of("username", "frequent", "password", "frequent secret"))).status()).isEqualTo(201);
        }
    }

    @Test
    void oneAddressCreatesAHandfulOfAccountsAnHourAndOthersCarryOn() {
        ContractClient api = new ContractClient(port).forwardedFor("203.0.113.9");
        assertThat(api.post("/api/v1/accounts", null, json(Map.of("username", "squat0", "password", "squatter secret")))
                .status()).isEqualTo(201);
        assertThat(api.post("/api/v1/accounts", null, json(Map.of("username", "SQUAT0", "password", "squatter secret")))
                .status()).as("a taken name costs nothing").isEqualTo(409);
        for (int i = 1; i < 5; i++) {
            assertThat(api.post("/api/v1/accounts", null,
                    json(Map.of("username", "squat" + i, "password", "squatter secret"))).status()).isEqualTo(201);
        }
        clearInvocations(hashing);

        ContractClient.Reply refused = api.post("/api/v1/accounts", null,
                json(Map.of("username", "squat5", "password", "squatter secret")));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().get("type").asString()).isEqualTo("/problems/too-many-requests");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 3600L);
        verify(hashing, never()).hash(any());
        assertThat(new ContractClient(port).forwardedFor("203.0.113.10").post("/api/v1/accounts", null,
                json(Map.of("username", "neighbour", "password", "neighbour secret"))).status()).isEqualTo(201);
    }

    private interface Call {
        ContractClient.Reply call(int i) throws Exception;
    }

    private List<ContractClient.Reply> all(int n, Call call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ContractClient.Reply>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Callable<ContractClient.Reply> task = () -> {
                start.await();
                return call.call(index);
            };
            futures.add(pool.submit(task));
        }
        start.countDown();
        List<ContractClient.Reply> replies = new ArrayList<>();
        for (Future<ContractClient.Reply> future : futures) {
            replies.add(future.get());
        }
        return replies;
    }
}
