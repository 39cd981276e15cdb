package dev.p2pchat.directory.relay;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The relay inside the directory process ({@code directory.relay.enabled} and {@code embedded},
 * both true by default): bound before the web server starts, so the welcome can name its port,
 * and closed after the web server has stopped, cutting relayed sessions still running (the
 * peers' TLS sees the end; chats reconnect).
 */
@Component
class EmbeddedRelay implements SmartLifecycle {

    private final RelayProperties settings;
    private final RelayTokens tokens;
    private final Clock clock;
    private final RelayMetrics metrics;
    private volatile RelayServer server;

    EmbeddedRelay(RelayProperties settings, RelayTokens tokens, MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.tokens = tokens;
        this.clock = clock;
        this.metrics = settings.enabled() && settings.embedded() ? new RelayMetrics(registry,
                () -> server == null ? 0 : server.active(), () -> server == null ? 0 : server.waiting()) : null;
    }

    /** Opens the port: a new server each time, since a context may be stopped and started again. */
    @Override
    public synchronized void start() {
        if (metrics == null || server != null) {
            return;
        }
        RelayServer started = new RelayServer(settings, tokens, metrics, clock);
        try {
            started.start();
        } catch (IOException e) {
            started.close();
            throw new UncheckedIOException("cannot open the relay port " + settings.port()
                    + " (directory.relay.port; directory.relay.embedded=false when the relay runs alone)", e);
        }
        server = started;
    }

    @Override
    public synchronized void stop() {
        RelayServer running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Before the web server (which starts at DEFAULT_PHASE - 2048), and stopped after it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    /** The bound port, or null when no relay runs in this process. */
    Integer port() {
        RelayServer running = server;
        return running == null ? null : running.port();
    }
}
