package dev.p2pchat.directory.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.ContractClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The contract is served as written (on the API port, and on the management port for the UI),
 * with a browsable UI over it on the management port and no generated rival.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ApiDocsTest {

    @LocalServerPort
    int port;

    @org.springframework.boot.test.web.server.LocalManagementPort
    int managementPort;

    @Test
    void theSpecIsServedAsYamlAndTheUiBrowsesIt() throws Exception {
        ContractClient api = new ContractClient(port);

        ContractClient.Reply spec = rawGet(api, "/openapi.yaml");
        assertThat(spec.status()).isEqualTo(200);
        assertThat(spec.header("Content-Type")).startsWith("application/yaml");
        assertThat(spec.text()).startsWith("openapi: 3.0.3").contains("/api/v1/peers/{username}:");

        ContractClient management = new ContractClient(managementPort);
        assertThat(rawGet(management, "/actuator/swagger-ui/index.html").status()).isEqualTo(200);
        assertThat(rawGet(management, "/actuator/swagger-ui/swagger-config").text())
                .contains("\"url\":\"/actuator/contract\"");
        ContractClient.Reply served = rawGet(management, "/actuator/contract");
        assertThat(served.header("Content-Type")).startsWith("application/yaml");
        assertThat(served.text()).isEqualTo(spec.text());
        assertThat(rawGet(api, "/v3/api-docs").status()).as("no generated spec").isEqualTo(404);
        assertThat(rawGet(management, "/actuator/openapi").status()).as("no generated spec").isEqualTo(404);
    }

    private static ContractClient.Reply rawGet(ContractClient api, String path) throws Exception {
        java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + api.port() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        return new ContractClient.Reply(response.statusCode(), response, null);
    }
}
