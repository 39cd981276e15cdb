package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Accounts, locks and tokens live in the H2 file under the data directory; presence (soft state)
 * lives in memory, is forgotten by a restart and is back with the peer's next renewal.
 */
class RestartTest {

    @TempDir
    Path dataDir;

    @Test
    void anAccountAndALockSurviveARestartOnTheSameH2File() {
        String lockedUntil;
        try (ConfigurableApplicationContext app = start()) {
            ContractClient api = new ContractClient(port(app));
            assertThat(api.post("/api/v1/accounts", null, json(Map.of("username", "keeper", "password", "kept password")))
                    .status()).isEqualTo(201);
            api.post("/api/v1/accounts", null, json(Map.of("username", "locked", "password", "kept password")));
            ContractClient.Reply reply = null;
            for (int i = 0; i < 3; i++) {
                reply = api.post("/api/v1/sessions", null, json(Map.of("username", "locked", "password", "wrong guess")));
            }
            assertThat(reply.status()).isEqualTo(423);
            lockedUntil = reply.body().get("lockedUntil").asString();
        }

        assertThat(dataDir.resolve("directory.mv.db")).exists();

        try (ConfigurableApplicationContext app = start()) {
            ContractClient api = new ContractClient(port(app));
            assertThat(api.post("/api/v1/sessions", null, json(Map.of("username", "KEEPER", "password", "kept password")))
                    .status()).isEqualTo(201);
            ContractClient.Reply locked = api.post("/api/v1/sessions", null,
                    json(Map.of("username", "locked", "password", "kept password")));
            assertThat(locked.status()).isEqualTo(423);
            assertThat(locked.body().get("lockedUntil").asString()).isEqualTo(lockedUntil);
        }
    }

    @Test
    void presenceIsForgottenByARestartAndBackOnThePeersNextRenewal() {
        String aliceToken;
        String bobToken;
        String renewedAt;
        try (ConfigurableApplicationContext app = start()) {
            ContractClient api = new ContractClient(port(app));
            aliceToken = registerAndLogIn(api, "alice");
            bobToken = registerAndLogIn(api, "bob");
            assertThat(api.put("/api/v1/presence", aliceToken, json(Map.of("port", 7000))).status()).isEqualTo(200);
            ContractClient.Reply online = api.get("/api/v1/peers/alice", bobToken);
            assertThat(online.body().get("online").asBoolean()).isTrue();
            renewedAt = online.body().get("lastSeen").asString();
        }

        try (ConfigurableApplicationContext app = start()) {
            ContractClient api = new ContractClient(port(app));
            ContractClient.Reply forgotten = api.get("/api/v1/peers/alice", bobToken);
            assertThat(forgotten.status()).as("the token survived the restart").isEqualTo(200);
            assertThat(forgotten.body().get("online").asBoolean()).isFalse();
            // the database keeps microseconds
            assertThat(Instant.parse(forgotten.body().get("lastSeen").asString())).as("kept at shutdown")
                    .isEqualTo(Instant.parse(renewedAt).truncatedTo(ChronoUnit.MICROS));

            assertThat(api.put("/api/v1/presence", aliceToken, json(Map.of("port", 7000))).status()).isEqualTo(200);

            ContractClient.Reply back = api.get("/api/v1/peers/alice", bobToken);
            assertThat(back.body().get("online").asBoolean()).isTrue();
            assertThat(back.body().get("port").asInt()).isEqualTo(7000);
        }
    }

    private static String registerAndLogIn(ContractClient api, String username) {
        String credentials = json(Map.of("username", username, "password", username + " password"));
        assertThat(api.post("/api/v1/accounts", null, credentials).status()).isEqualTo(201);
        ContractClient.Reply login = api.post("/api/v1/sessions", null, credentials);
        assertThat(login.status()).isEqualTo(201);
        return login.body().get("token").asString();
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(DirectoryApplication.class)
                .run("--server.port=0", "--management.server.port=0", "--directory.relay.port=0", "--directory.data-dir=" + dataDir, "--directory.bcrypt.cost=4");
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }
}
