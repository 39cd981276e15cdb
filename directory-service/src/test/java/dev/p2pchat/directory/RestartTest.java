package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Accounts and locks live in the H2 file under the data directory, not in memory. */
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

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(DirectoryApplication.class)
                .run("--server.port=0", "--management.server.port=0", "--directory.relay.port=0", "--directory.data-dir=" + dataDir, "--directory.bcrypt.cost=4");
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }
}
