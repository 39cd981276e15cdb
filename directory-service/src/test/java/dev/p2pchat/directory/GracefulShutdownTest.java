package dev.p2pchat.directory;

import static dev.p2pchat.directory.ContractClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.p2pchat.directory.system.PasswordHashing;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Stopping the service lets a request in flight finish instead of cutting it off. */
class GracefulShutdownTest {

    @Test
    void aRegistrationInFlightFinishesWhileTheServiceStops() {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(DirectoryApplication.class)
                .logStartupInfo(false)
                .run("--server.port=0", "--management.server.port=0", "--directory.relay.port=0", "--spring.datasource.url=jdbc:h2:mem:graceful-" + UUID.randomUUID(),
                        // a slow hash keeps the request in flight while we stop
                        "--directory.bcrypt.cost=13", "--logging.level.root=WARN", "--spring.main.banner-mode=off");
        ContractClient api = new ContractClient(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
        PasswordHashing hashing = app.getBean(PasswordHashing.class);

        CompletableFuture<ContractClient.Reply> registration = CompletableFuture.supplyAsync(() ->
                api.post("/api/v1/accounts", null, json(Map.of("username", "latecomer", "password", "slow password"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> hashing.inFlight() > 0);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(app::close);

        assertThat(registration.join().status()).isEqualTo(201);
        stopping.join();
        assertThat(app.isActive()).isFalse();
    }
}
