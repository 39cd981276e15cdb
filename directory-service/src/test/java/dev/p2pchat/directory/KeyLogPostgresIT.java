package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two directory instances on one PostgreSQL keep one key log: one log key, appends from both
 * taking turns (dense indexes in commit order), and the same tree on both.
 */
class KeyLogPostgresIT {

    private static PostgresInstances postgres;
    private static ContractClient a;
    private static ContractClient b;

    @BeforeAll
    static void twoInstances() {
        postgres = new PostgresInstances();
        a = new ContractClient(postgres.start());
        b = new ContractClient(postgres.start());
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static int login(ContractClient api, String username, String fingerprint) {
        return api.post("/api/v1/sessions", null,
                json(Map.of("username", username, "password", "pass word 1", "fingerprint", fingerprint))).status();
    }

    @Test
    void bothInstancesSignWithOneKeyAndAppendToOneDenseLog() throws Exception {
        assertThat(b.get("/.well-known/p2pchat-log-key", null).body().get("fingerprint").asString())
                .isEqualTo(a.get("/.well-known/p2pchat-log-key", null).body().get("fingerprint").asString());

        List<String> names = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String name = "racer" + i;
            assertThat(a.post("/api/v1/accounts", null, json(Map.of("username", name, "password", "pass word 1")))
                    .status()).isEqualTo(201);
            names.add(name);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> logins = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                ContractClient one = i % 2 == 0 ? a : b;
                ContractClient other = i % 2 == 0 ? b : a;
                logins.add(pool.submit(() -> login(one, name, "1a".repeat(32))));
                logins.add(pool.submit(() -> login(other, name, "2b".repeat(32))));
                logins.add(pool.submit(() -> login(other, name, "3c".repeat(32))));
            }
            for (Future<Integer> login : logins) {
                assertThat(login.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Long> indexes = postgres.jdbc().queryForList("SELECT idx FROM key_log_entry ORDER BY idx", Long.class);
        assertThat(indexes).hasSize(names.size() * 3);
        for (int i = 0; i < indexes.size(); i++) {
            assertThat(indexes.get(i)).as("dense from 0").isEqualTo(i);
        }
        for (String name : names) {
            List<Map<String, Object>> mine = postgres.jdbc().queryForList(
                    "SELECT kind, fingerprint, previous FROM key_log_entry WHERE username_key = ? ORDER BY idx", name);
            assertThat(mine).extracting(row -> row.get("kind")).containsExactly("first", "reset", "reset");
            assertThat(mine.get(1).get("previous")).isEqualTo(mine.get(0).get("fingerprint"));
            assertThat(mine.get(2).get("previous")).isEqualTo(mine.get(1).get("fingerprint"));
        }

        ContractClient.Reply headA = a.get("/api/v1/log/head", null);
        ContractClient.Reply headB = b.get("/api/v1/log/head", null);
        assertThat(headA.body().get("size").asLong()).isEqualTo(indexes.size());
        assertThat(headB.body().get("size").asLong()).isEqualTo(indexes.size());
        assertThat(headB.body().get("rootHash").asString()).isEqualTo(headA.body().get("rootHash").asString());
        ContractClient.Reply history = b.get("/api/v1/log/keys/" + names.get(3), null);
        assertThat(history.body().get("entries")).hasSize(3);
    }
}
