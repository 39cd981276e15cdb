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
    private final RelayServer server;
    private volatile boolean running;

    EmbeddedRelay(RelayProperties settings, RelayTokens tokens, MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.server = settings.enabled() && settings.embedded() ? new RelayServer(settings, tokens, registry, clock) : null;
    }

    @Override
    public void start() {
        if (server == null) {
            return;
        }
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the relay port " + settings.port()
                    + " (directory.relay.port; directory.relay.embedded=false when the relay runs alone)", e);
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server (which starts at DEFAULT_PHASE - 2048), and stopped after it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    /** The bound port, or null when no relay runs in this process. */
    Integer port() {
        return running ? server.port() : null;
    }

    /** For tests and metrics: the running server, or null. */
    RelayServer server() {
        return running ? server : null;
    }
}
