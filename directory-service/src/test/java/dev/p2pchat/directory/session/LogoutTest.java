package dev.p2pchat.directory.session;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.directory.ContractClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** Logging out goes offline, and has done so by the time the logout answers. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class LogoutTest {

    @LocalServerPort
    int port;

    private String login(ContractClient api, String name) {
        api.post("/api/v1/accounts", null, json(Map.of("username", name, "password", name + " secret")));
        return api.post("/api/v1/sessions", null, json(Map.of("username", name, "password", name + " secret")))
                .body().get("token").asString();
    }

    @Test
    void logoutTakesTheUserOfflineBeforeItAnswers() {
        ContractClient api = new ContractClient(port);
        String leaver = login(api, "leaving");
        String watcher = login(api, "watching");
        assertThat(api.put("/api/v1/presence", leaver, json(Map.of("port", 7000))).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/peers/leaving", watcher).body().get("online").asBoolean()).isTrue();

        assertThat(api.delete("/api/v1/sessions/current", leaver).status()).isEqualTo(204);

        // no waiting: the very next call must see it
        ContractClient.Reply after = api.get("/api/v1/peers/leaving", watcher);
        assertThat(after.body().get("online").asBoolean()).isFalse();
        assertThat(after.body().get("host").isNull()).isTrue();
    }
}
