package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Accounts, locks and the key log live in the H2 file under the data directory, not in memory. */
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

    /** The log key is generated once and kept in the database; a new process rebuilds the same tree from it. */
    @Test
    void theLogKeyAndTheLogSurviveARestart() {
        String logKey;
        String head;
        try (ConfigurableApplicationContext app = start()) {
            ContractClient api = new ContractClient(port(app));
            api.post("/api/v1/accounts", null, json(Map.of("username", "logged", "password", "kept password")));
            for (String fingerprint : new String[] {"a1".repeat(32), "b2".repeat(32)}) {
                assertThat(api.post("/api/v1/sessions", null, json(Map.of("username", "logged", "password", "kept password",
                        "fingerprint", fingerprint))).status()).isEqualTo(201);
            }
            logKey = api.get("/.well-known/p2pchat-log-key", null).body().get("fingerprint").asString();
            ContractClient.Reply before = api.get("/api/v1/log/head", null);
            assertThat(before.body().get("size").asLong()).isEqualTo(2);
            head = before.body().get("rootHash").asString();
        }

        try (ConfigurableApplicationContext app = start()) {
            ContractClient api = new ContractClient(port(app));
            assertThat(api.get("/.well-known/p2pchat-log-key", null).body().get("fingerprint").asString())
                    .isEqualTo(logKey);
            ContractClient.Reply after = api.get("/api/v1/log/head", null);
            assertThat(after.body().get("size").asLong()).isEqualTo(2);
            assertThat(after.body().get("rootHash").asString()).isEqualTo(head);
            assertThat(api.get("/api/v1/log/keys/logged", null).body().get("entries").findValuesAsString("kind"))
                    .containsExactly("first", "reset");
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
