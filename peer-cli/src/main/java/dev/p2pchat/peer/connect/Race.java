package dev.p2pchat.peer.connect;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Ways to reach a peer tried at the same time; the first that yields an authenticated link wins
 * and every other is stopped (its sockets closed). Each attempt is reported as an event with how
 * long it took. The race fails, with every attempt's reason, once no attempt is running and no
 * more will be started ({@link #noMore}); it fails at once when an attempt that reached the
 * peer (TLS with the pinned key) was refused by it ({@link ConnectException}).
 */
final class Race implements AutoCloseable {

    /** One way to reach the peer; it registers its sockets so that a winner elsewhere can stop it. */
    @FunctionalInterface
    interface Attempt {
        Link run(Race race) throws Exception;
    }

    private final ConnectEvents events;
    private final long start = System.nanoTime();
    private final CompletableFuture<Link> winner = new CompletableFuture<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "p2pchat-connect");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private final List<String> failures = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    /** A wrong key met on the way: if nothing wins, that is what the user must hear. */
    private volatile Exception wrongKey;
    private volatile boolean noMore;

    Race(ConnectEvents events) {
        this.events = events;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    boolean done() {
        return winner.isDone();
    }

    /**
     * Starts {@code attempt} on its own thread; {@code after} (may be null) runs when it has
     * failed, e.g. to try the next punch.
     */
    void run(Rung rung, String endpoint, Attempt attempt, Consumer<String> afterFailure) {
        run(rung, endpoint, attempt, afterFailure, true);
    }

    /**
     * As above; {@code ours} is false for a connection someone else opened to us (our punch
     * port is open to anyone): a wrong key there is noise, not a sign that the peer we dialed
     * is being impersonated.
     */
    void run(Rung rung, String endpoint, Attempt attempt, Consumer<String> afterFailure, boolean ours) {
        if (winner.isDone()) {
            return;
        }
        running.incrementAndGet();
        try {
            pool.execute(() -> {
                long began = System.nanoTime();
                events.trying(rung, endpoint);
                try {
                    Link link = attempt.run(this);
                    if (winner.complete(link)) {
                        events.connected(rung, endpoint, Duration.ofNanos(System.nanoTime() - began));
                    } else {
                        link.close(); // another way won meanwhile
                    }
                } catch (ConnectException refused) {
                    // past TLS with the pinned key: the peer itself said no (HELLO refused, busy, not
                    // the user we asked for): final, no other path will change its mind
                    events.failed(rung, endpoint, Duration.ofNanos(System.nanoTime() - began), refused.getMessage());
                    winner.completeExceptionally(refused);
                } catch (Exception e) {
                    if (ours && e instanceof dev.p2pchat.peer.transport.FingerprintMismatchException && wrongKey == null) {
                        wrongKey = e;
                    }
                    String reason = reason(e);
                    if (!winner.isDone()) {
                        events.failed(rung, endpoint, Duration.ofNanos(System.nanoTime() - began), reason);
                        synchronized (failures) {
                            failures.add(rung.word() + " " + endpoint + ": " + reason);
                        }
                        if (afterFailure != null) {
                            afterFailure.accept(reason);
                        }
                    }
                } finally {
                    running.decrementAndGet();
                    settleIfExhausted();
                }
            });
        } catch (RejectedExecutionException closed) {
            running.decrementAndGet();
        }
    }

    /** Nothing more will be started: once the running attempts have failed, the race has failed. */
    void noMore() {
        noMore = true;
        settleIfExhausted();
    }

    /** A socket (or server socket) to close if another way wins or the race is given up. */
    <T extends Closeable> T track(T closeable) {
        open.add(closeable);
        if (winner.isDone()) {
            closeQuietly(closeable);
        }
        return closeable;
    }

    /** The attempt keeps this one: it is part of the winning link. */
    void keep(Closeable closeable) {
        open.remove(closeable);
    }

    /** Completes when a way wins or every way has failed; what waits can also poll {@link #done()}. */
    CompletableFuture<Link> result() {
        return winner;
    }

    /** The winning link, or the reasons every way failed, within {@code timeout}. */
    Link await(Duration timeout) throws ConnectException {
        try {
            return winner.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            winner.completeExceptionally(new ConnectException(ConnectException.Reason.UNREACHABLE,
                    "no way through within " + timeout.toSeconds() + " s" + summary(), wrongKey));
            return await(Duration.ofMillis(1));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectException connect) {
                throw connect;
            }
            throw new ConnectException(ConnectException.Reason.UNREACHABLE, reason(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException(ConnectException.Reason.UNREACHABLE, "interrupted while connecting", e);
        }
    }

    /** Gives up: whatever still runs is stopped. */
    void fail(String why) {
        winner.completeExceptionally(new ConnectException(ConnectException.Reason.UNREACHABLE, why + summary(),
                wrongKey));
    }

    private void settleIfExhausted() {
        if (noMore && running.get() == 0 && !winner.isDone()) {
            winner.completeExceptionally(new ConnectException(ConnectException.Reason.UNREACHABLE,
                    "every way failed" + summary(), wrongKey));
        }
    }

    private String summary() {
        synchronized (failures) {
            return failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")";
        }
    }

    @Override
    public void close() {
        if (!winner.isDone()) {
            winner.completeExceptionally(new ConnectException(ConnectException.Reason.UNREACHABLE, "given up"));
        }
        for (Closeable closeable : open) {
            closeQuietly(closeable);
        }
        open.clear();
        pool.shutdownNow();
    }

    static String reason(Throwable e) {
        if (e instanceof ConnectException || e instanceof IOException && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // stopping anyway
        }
    }
}
