package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drives registrations, logins and failed logins against a directory in its own JVM at full
 * speed, kills it with SIGKILL in the middle, starts it again on the same data, and checks that
 * every registration that was answered 201 and every lock that was answered 423 is still there.
 */
final class CrashDrill {

    record Outcome(int acknowledgedAccounts, int acknowledgedLocks, int requests) {
    }

    private final List<String> settings;
    private final Path logDir;

    /** @param settings extra {@code --key=value} arguments for the directory JVM (database, profile) */
    CrashDrill(Path logDir, String... settings) {
        this.logDir = logDir;
        this.settings = List.of(settings);
    }

    Outcome run(Duration loadBeforeKill) throws Exception {
        int port = freePort();
        Map<String, String> accounts = new ConcurrentHashMap<>();
        Set<String> locked = ConcurrentHashMap.newKeySet();
        // accounts whose failed logins were cut short by the kill: the last one may have locked
        // the account without its 423 reaching us, so either answer is right for them
        Set<String> lockInFlight = ConcurrentHashMap.newKeySet();
        int requests;
        Process directory = start(port, "first");
        try {
            requests = load(port, accounts, locked, lockInFlight, loadBeforeKill, directory);
        } finally {
            directory.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(accounts).as("the load must have registered accounts before the kill").isNotEmpty();

        Process again = start(port, "second");
        try {
            ContractClient api = new ContractClient(port);
            for (Map.Entry<String, String> account : accounts.entrySet()) {
                int status = api.post("/api/v1/sessions", null,
                        json(Map.of("username", account.getKey(), "password", account.getValue()))).status();
                String name = account.getKey();
                if (locked.contains(name)) {
                    assertThat(status).as("account %s was acknowledged as locked before the crash", name).isEqualTo(423);
                } else if (lockInFlight.contains(name)) {
                    assertThat(status).as("account %s was acknowledged before the crash", name).isIn(201, 423);
                } else {
                    assertThat(status).as("account %s was acknowledged before the crash", name).isEqualTo(201);
                }
            }
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
        return new Outcome(accounts.size(), locked.size(), requests);
    }

    private Process start(int port, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), DirectoryApplication.class.getName(),
                "--server.port=" + port, "--server.address=127.0.0.1", "--directory.bcrypt.cost=4",
                "--directory.bcrypt.queue-capacity=1000", "--spring.main.banner-mode=off",
                // eight clients from one address register and fail logins far beyond a person's budget
                "--directory.throttle.failed-logins=1000000", "--directory.throttle.registrations=1000000",
                "--management.server.port=0", "--directory.relay.port=0"));
        for (String setting : settings) {
            command.add("--" + setting);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDir.resolve("directory-" + name + ".log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        // generous: on a shared, overloaded CI machine a start has been seen to take 150 s
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the directory exited; see " + logDir);
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the directory did not become healthy; see " + logDir);
    }

    /** Eight clients as fast as they can; the kill comes while they are busy. */
    private static int load(int port, Map<String, String> accounts, Set<String> locked, Set<String> lockInFlight,
                            Duration before, Process directory) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int c = 0; c < 8; c++) {
            int client = c;
            clients.execute(() -> {
                ContractClient api = new ContractClient(port);
                for (int i = 0; running.get(); i++) {
                    String name = "crash" + client + "x" + i;
                    String password = "password " + client + " " + i;
                    try {
                        requests.incrementAndGet();
                        if (api.post("/api/v1/accounts", null, json(Map.of("username", name, "password", password)))
                                .status() == 201) {
                            accounts.put(name, password);
                        }
                        if (i % 4 == 0) {
                            lockInFlight.add(name);
                            for (int attempt = 0; attempt < 3; attempt++) {
                                requests.incrementAndGet();
                                if (api.post("/api/v1/sessions", null,
                                        json(Map.of("username", name, "password", "wrong guess"))).status() == 423) {
                                    locked.add(name);
                                }
                            }
                            lockInFlight.remove(name); // all three answered
                        } else {
                            requests.incrementAndGet();
                            api.post("/api/v1/sessions", null, json(Map.of("username", name, "password", password)));
                        }
                    } catch (UncheckedIOException | AssertionError killed) {
                        return; // the directory is gone: nothing after this was acknowledged
                    }
                }
            });
        }
        // at least this long, and until enough was acknowledged to make the check meaningful
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Thread.sleep(before.toMillis());
        while ((accounts.size() < 20 || locked.size() < 2) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        directory.destroyForcibly(); // SIGKILL while the clients are mid-stream
        running.set(false);
        clients.shutdown();
        clients.awaitTermination(60, TimeUnit.SECONDS);
        return requests.get();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
