package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.session.LoggedOut;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Runs the sweep over every ping interval, a slice a second, on a thread of its own, closes the channels opened with a
 * token when it is revoked (on every instance, through the bus), and at shutdown closes every
 * channel with 1001 before the web server stops, so that peers reconnect (to another instance,
 * if there is one) and this instance's listener rows are gone at once.
 */
@Component
class SignalLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SignalLifecycle.class);

    private final SignalRouter router;
    private final SignalProperties settings;
    private final ExecutorService control;
    private ScheduledExecutorService sweeper;

    SignalLifecycle(SignalRouter router, SignalProperties settings, ExecutorService signalControl) {
        this.router = router;
        this.settings = settings;
        this.control = signalControl;
    }

    /**
     * First of the logout's listeners: every instance's token cache learns of it from this notice,
     * so a later listener that fails (going offline writes to the database) must not stop it.
     */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void on(LoggedOut loggedOut) {
        router.revoked(loggedOut.username(), loggedOut.tokenHash());
    }

    @Override
    public synchronized void start() {
        sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "signal-sweep");
            thread.setDaemon(true);
            return thread;
        });
        // one slice a second: each channel is pinged once per interval, all of them spread over it
        int slices = (int) Math.max(1, settings.pingInterval().toSeconds());
        long every = settings.pingInterval().toMillis() / slices;
        int[] next = {0};
        sweeper.scheduleAtFixedRate(() -> {
            try {
                router.sweep(next[0], slices);
            } catch (RuntimeException e) {
                log.warn("Signalling sweep failed: {}", e.toString());
            } finally {
                next[0] = (next[0] + 1) % slices;
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
        }
        try {
            router.closeAll();
            // the close frames are sent on the control threads: let them go out (each is bounded)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (busy() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (RuntimeException e) {
            log.warn("Closing the signalling channels failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean busy() {
        return control instanceof ThreadPoolExecutor pool && (pool.getActiveCount() > 0 || !pool.getQueue().isEmpty());
    }

    @Override
    public synchronized boolean isRunning() {
        return sweeper != null;
    }

    /** Stopped first, before the web server's graceful shutdown. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
