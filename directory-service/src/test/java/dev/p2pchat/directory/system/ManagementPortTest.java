package dev.p2pchat.directory.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Metrics (whose login counters would tell a password guesser when a guess worked) and the API
 * browser are served on the management port only; the API port keeps the probes a load
 * balancer or the container's HEALTHCHECK needs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ManagementPortTest {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAndTheApiBrowserAreNotOnTheApiPort() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        for (String path : new String[] {"/actuator/prometheus", "/actuator", "/actuator/health", "/swagger-ui.html",
                "/swagger-ui/index.html", "/actuator/swagger-ui", "/actuator/swagger-ui/index.html", "/actuator/contract",
                "/v3/api-docs/swagger-config"}) {
            assertThat(get(port, path).statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void metricsAndTheApiBrowserAreOnTheManagementPort() throws Exception {
        HttpResponse<String> metrics = get(managementPort, "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("p2pchat_logins_total");
        assertThat(get(managementPort, "/actuator").body()).contains("prometheus").contains("health")
                .doesNotContain("env").doesNotContain("beans").doesNotContain("heapdump");

        assertThat(get(managementPort, "/actuator/swagger-ui/index.html").statusCode()).isEqualTo(200);
        HttpResponse<String> config = get(managementPort, "/actuator/swagger-ui/swagger-config");
        assertThat(config.statusCode()).isEqualTo(200);
        String specUrl = config.body().replaceAll(".*\"url\":\"([^\"]*)\".*", "$1");
        HttpResponse<String> spec = get(managementPort, specUrl);
        assertThat(spec.statusCode()).as("the UI's spec at " + specUrl).isEqualTo(200);
        assertThat(spec.body()).startsWith("openapi: 3.0.3");
    }

    @Test
    void theProbesStayOnTheApiPort() throws Exception {
        for (String path : new String[] {"/livez", "/readyz"}) {
            HttpResponse<String> probe = get(port, path);
            assertThat(probe.statusCode()).as(path).isEqualTo(200);
            assertThat(probe.body()).contains("\"status\":\"UP\"");
        }
        assertThat(get(port, "/openapi.yaml").statusCode()).as("the contract itself stays public").isEqualTo(200);
    }
}
