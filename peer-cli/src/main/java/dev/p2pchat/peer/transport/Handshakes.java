package dev.p2pchat.peer.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;

/**
 * Runs a TLS handshake against a deadline. SO_TIMEOUT alone bounds each read, so a peer that
 * drips one byte at a time could hold a handshake open for ever; a watchdog closes the socket
 * when the whole handshake is late.
 */
final class Handshakes {

    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private Handshakes() {
    }

    /**
     * Handshakes {@code tls} (layered over {@code tcp}) within {@code timeout}; then reads block
     * again without limit.
     *
     * @throws SocketTimeoutException if it did not finish in time (the socket is then closed)
     */
    static void run(Socket tcp, SSLSocket tls, Duration timeout) throws IOException {
        long millis = Math.max(1, timeout.toMillis());
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            late.set(true);
            closeQuietly(tcp);
        }, millis, TimeUnit.MILLISECONDS);
        try {
            tls.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
            tls.startHandshake();
        } catch (IOException e) {
            if (late.get() || isTimeout(e)) {
                closeQuietly(tcp);
                SocketTimeoutException timeoutException = new SocketTimeoutException("TLS handshake timed out");
                timeoutException.initCause(e);
                throw timeoutException;
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
        if (late.get()) { // finished just as the watchdog closed the socket
            throw new SocketTimeoutException("TLS handshake timed out");
        }
        tls.setSoTimeout(0);
    }

    /** Closes {@code closeable} after {@code delay}, unless the returned future is cancelled first. */
    static ScheduledFuture<?> closeAfter(Closeable closeable, Duration delay) {
        return WATCHDOG.schedule(() -> closeQuietly(closeable), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // closing is best effort
        }
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "p2pchat-handshake-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
