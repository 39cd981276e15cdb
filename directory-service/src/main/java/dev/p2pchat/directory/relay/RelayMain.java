package dev.p2pchat.directory.relay;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The relay alone, without the directory and without a Spring application context, for running
 * relays apart from the directory instances:
 *
 * <pre>
 * DIRECTORY_RELAY_SECRET=... java -cp directory-service.jar \
 *     -Dloader.main=dev.p2pchat.directory.relay.RelayMain \
 *     org.springframework.boot.loader.launch.PropertiesLauncher
 * </pre>
 *
 * Settings are the directory's {@code directory.relay.*}, from the environment
 * ({@code DIRECTORY_RELAY_PORT}), system properties or {@code --directory.relay.port=...}
 * arguments, bound by Spring Boot's {@link Binder} with the same names, defaults and checks;
 * the secret is required. Metrics in the Prometheus format at
 * {@code http://127.0.0.1:8083/metrics} ({@code directory.relay.metrics-port}, 0 = none, and
 * {@code directory.relay.metrics-address}). SIGTERM closes every connection and exits.
 */
public final class RelayMain {

    private static final Logger log = LoggerFactory.getLogger(RelayMain.class);

    private RelayMain() {
    }

    public static void main(String[] args) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        Binder binder = Binder.get(environment);
        RelayProperties settings = binder.bindOrCreate("directory.relay", Bindable.of(RelayProperties.class));
        String problem = check(settings);
        if (problem != null) {
            System.err.println("p2pchat relay: " + problem);
            System.exit(2);
        }
        int metricsPort = binder.bind("directory.relay.metrics-port", Integer.class).orElse(8083);
        String metricsAddress = binder.bind("directory.relay.metrics-address", String.class).orElse("127.0.0.1");

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RelayServer relay = new RelayServer(settings, new RelayTokens(settings.secretBytes(), Clock.systemUTC()),
                registry, Clock.systemUTC());
        relay.start();
        HttpServer metrics = metricsPort == 0 ? null : metrics(registry, metricsAddress, metricsPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Relay stopping");
            relay.close();
            if (metrics != null) {
                metrics.stop(0);
            }
            stopped.countDown();
        }, "relay-shutdown"));
        stopped.await();
    }

    /** What is wrong with the settings for a relay running alone, or null. */
    static String check(RelayProperties settings) {
        if (settings.secret() == null || settings.secret().isBlank()) {
            return "directory.relay.secret (DIRECTORY_RELAY_SECRET) must be set: base64 of at least 32 bytes, "
                    + "the same as the directory instances'";
        }
        if (!settings.isSecretValid()) {
            return "directory.relay.secret must be base64 of at least 32 bytes";
        }
        if (!settings.isMaxDurationPositive() || !settings.isMaxBytesPositive() || !settings.isRateValid()
                || settings.maxSessions() < 1 || settings.maxPerAddress() < 1) {
            return "directory.relay.max-duration, max-bytes and max-sessions, max-per-address must be positive, "
                    + "rate at least 0";
        }
        return null;
    }

    private static HttpServer metrics(PrometheusMeterRegistry registry, String address, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        log.info("Relay metrics at http://{}:{}/metrics", address, server.getAddress().getPort());
        return server;
    }
}
