package dev.p2pchat.directory.system;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.ContractClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** What an operator watches: Prometheus metrics and request logs that never hold a secret. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class OperationsTest {

    @LocalServerPort
    int port;

    @org.springframework.boot.test.web.server.LocalManagementPort
    int managementPort;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** From the management port, where metrics are served. */
    private String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void metricsCountLoginsRegistrationsOnlinePeersAndRequestLatency(CapturedOutput output) throws Exception {
        ContractClient api = new ContractClient(port);
        api.post("/api/v1/accounts", null, json(Map.of("username", "metered", "password", "metered secret")));
        api.post("/api/v1/accounts", null, json(Map.of("username", "METERED", "password", "metered secret")));
        String token = api.post("/api/v1/sessions", null, json(Map.of("username", "metered", "password", "metered secret")))
                .body().get("token").asString();
        api.post("/api/v1/sessions", null, json(Map.of("username", "metered", "password", "not the secret")));
        api.put("/api/v1/presence", token, json(Map.of("port", 7000)));

        String metrics = get("/actuator/prometheus");

        assertThat(metrics)
                .containsPattern("p2pchat_logins_total\\{[^}]*outcome=\"ok\"[^}]*} [1-9]")
                .containsPattern("p2pchat_logins_total\\{[^}]*outcome=\"failed\"[^}]*} [1-9]")
                .contains("p2pchat_logins_total{outcome=\"locked\"")
                .contains("p2pchat_logins_total{outcome=\"throttled\"")
                .contains("p2pchat_registrations_total{outcome=\"throttled\"")
                .contains("p2pchat_throttle_addresses{budget=\"failed_logins\"}")
                .contains("p2pchat_throttle_accounts{budget=\"renewals\"}")
                .contains("p2pchat_throttle_refused_total{budget=\"renewals\"}")
                .contains("p2pchat_throttle_held ")
                .containsPattern("p2pchat_registrations_total\\{[^}]*outcome=\"created\"[^}]*} [1-9]")
                .containsPattern("p2pchat_registrations_total\\{[^}]*outcome=\"taken\"[^}]*} [1-9]")
                .containsPattern("p2pchat_peers_online [1-9]")
                .contains("http_server_requests_seconds_count{");

        // the request log is written by its own thread: wait for it
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(output.getOut())
                .contains("POST /api/v1/sessions 201").contains("PUT /api/v1/presence 200"));
        assertThat(output.getOut()).doesNotContain("metered secret").doesNotContain("not the secret").doesNotContain(token);
    }

    @Test
    void onlyTheEndpointsAnOperatorNeedsAreExposed() throws Exception {
        assertThat(get("/actuator")).contains("health").contains("prometheus").doesNotContain("env")
                .doesNotContain("beans").doesNotContain("heapdump");
    }

    @Test
    void theH2PageCacheIsAShareOfTheHeap() {
        long expected = H2CacheSize.kib(Runtime.getRuntime().maxMemory(), 40);
        String actual = jdbc.sql("select setting_value from information_schema.settings where setting_name = 'CACHE_SIZE'")
                .query(String.class).single();
        assertThat(Long.parseLong(actual)).isEqualTo(expected).isGreaterThan(H2CacheSize.MIN_KIB);
    }

    @Test
    void theH2PageCacheNeverFallsBelowH2sDefaultNorOverflows() {
        assertThat(H2CacheSize.kib(64L << 20, 1)).isEqualTo(H2CacheSize.MIN_KIB);
        assertThat(H2CacheSize.kib(1L << 30, 40)).isEqualTo((1L << 20) / 100 * 40);
        assertThat(H2CacheSize.kib(Long.MAX_VALUE, 80)).isEqualTo(Integer.MAX_VALUE);
    }
}
