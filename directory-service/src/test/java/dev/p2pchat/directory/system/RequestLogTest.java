package dev.p2pchat.directory.system;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.directory.ContractClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The request log says which kind of call was made, never whom it was about: a lookup is logged
 * by its route template, so the log holds no record of who looked up whom.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class RequestLogTest {

    @LocalServerPort
    int port;

    @Test
    void aLookupIsLoggedByItsRouteTemplateNotByTheNameLookedUp(CapturedOutput output) {
        ContractClient api = new ContractClient(port);
        api.post("/api/v1/accounts", null, json(Map.of("username", "seeker", "password", "seeker secret")));
        api.post("/api/v1/accounts", null, json(Map.of("username", "soughtafter", "password", "sought secret")));
        String token = api.post("/api/v1/sessions", null, json(Map.of("username", "seeker", "password", "seeker secret")))
                .body().get("token").asString();

        assertThat(api.get("/api/v1/peers/soughtafter", token).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/peers/nosuchpeer", token).status()).isEqualTo(404);

        await().untilAsserted(() -> assertThat(output.getOut())
                .contains("GET /api/v1/peers/{username} 200").contains("GET /api/v1/peers/{username} 404"));
        assertThat(output.getOut()).doesNotContain("soughtafter").doesNotContain("nosuchpeer");
    }

    @Test
    void aRequestThatMatchesNoRouteIsLoggedWithAPlaceholderNotItsPath(CapturedOutput output) throws Exception {
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/carol-looks-for/dave")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());

        await().untilAsserted(() -> assertThat(output.getOut()).contains("GET " + RequestLogFilter.UNMATCHED + " 404"));
        assertThat(output.getOut()).doesNotContain("carol-looks-for").doesNotContain("dave");
    }
}
