package dev.p2pchat.peer.directory;

import dev.p2pchat.peer.directory.DirectoryException.Kind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The signalling channel to the directory: a WebSocket ({@code /api/v1/signal}) authenticated
 * with the session token, over the same HTTP client (and so the same {@code --server-ca}) as the
 * REST calls. Messages are {@link Signal}s; invalid ones from the directory are dropped, frames
 * over {@link Signal#MAX_CHARS} close the channel. Sends are serialised (the JDK allows one
 * outstanding send) and never block the caller.
 */
public final class SignalChannel implements AutoCloseable {

    /** Receives what the directory sends; called on the HTTP client's threads, one message at a time. */
    public interface Handler {
        void onSignal(Signal signal);

        /** The channel is gone (closed by either side, or broken). */
        void onClosed(String why);
    }

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final WebSocket socket;
    private final Signal welcome;
    /** A directory that stops reading cannot make us queue without end. */
    private static final int MAX_PENDING_SENDS = 64;

    private final Object sendLock = new Object();
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private CompletableFuture<WebSocket> lastSend;

    private final Receiver receiver;

    private SignalChannel(WebSocket socket, Signal welcome, Receiver receiver) {
        this.socket = socket;
        this.welcome = welcome;
        this.receiver = receiver;
        this.lastSend = CompletableFuture.completedFuture(socket);
    }

    /**
     * Opens the channel and waits for the directory's welcome. {@code listening} marks the
     * channel of a peer that accepts connections.
     */
    static SignalChannel open(HttpClient http, URI base, String token, boolean listening, Handler handler)
            throws DirectoryException {
        String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        URI uri = URI.create(scheme + base.toString().substring(base.getScheme().length()) + "/api/v1/signal"
                + (listening ? "?listen=true" : ""));
        Receiver receiver = new Receiver(handler);
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .connectTimeout(OPEN_TIMEOUT)
                    .buildAsync(uri, receiver)
                    .get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(base, e.getCause());
        } catch (TimeoutException e) {
            throw new DirectoryException(Kind.UNREACHABLE, "no signalling channel from the directory at " + base
                    + " within " + OPEN_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DirectoryException(Kind.UNREACHABLE, "interrupted while opening the signalling channel");
        }
        Signal welcome;
        try {
            welcome = receiver.welcome.get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            socket.abort();
            throw new DirectoryException(Kind.BAD_ANSWER, "the directory at " + base
                    + " opened a signalling channel without a valid welcome");
        } catch (InterruptedException e) {
            socket.abort();
            Thread.currentThread().interrupt();
            throw new DirectoryException(Kind.UNREACHABLE, "interrupted while opening the signalling channel");
        }
        SignalChannel channel = new SignalChannel(socket, welcome, receiver);
        receiver.ready();
        return channel;
    }

    private static DirectoryException failure(URI base, Throwable cause) {
        if (cause instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            if (status == 401) {
                return new DirectoryException(Kind.UNAUTHORIZED,
                        "not logged in, or the session expired or was revoked: run 'p2pchat login'");
            }
            if (status == 404) {
                return new DirectoryException(Kind.SERVER, "the directory at " + base
                        + " offers no signalling channel (an older version?)");
            }
            return new DirectoryException(Kind.SERVER, "the directory at " + base + " refused the signalling channel (HTTP "
                    + status + ")");
        }
        String reason = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
        return new DirectoryException(Kind.UNREACHABLE, "cannot open the signalling channel to " + base + ": " + reason,
                cause instanceof Exception e ? e : null);
    }

    /**
     * True when the directory keeps our presence alive while this channel is open (its welcome
     * said so): presence then needs no renewal of ours, only a publish when it is lost.
     */
    public boolean keepsPresence() {
        return Boolean.TRUE.equals(welcome.presence());
    }

    /** The directory's welcome: our username and where its relay is. */
    public Signal welcome() {
        return welcome;
    }

    /** Queues {@code signal}; a failure closes the channel (the handler hears of it). */
    public void send(Signal signal) {
        String text = signal.toJson();
        if (text.length() > Signal.MAX_CHARS) {
            throw new IllegalArgumentException("signal over " + Signal.MAX_CHARS + " characters");
        }
        if (pending.incrementAndGet() > MAX_PENDING_SENDS) {
            pending.decrementAndGet();
            abort("the directory stopped reading"); // the channel is no use any more
            return;
        }
        synchronized (sendLock) {
            lastSend = lastSend.thenCompose(ws -> ws.sendText(text, true));
            lastSend.whenComplete((ws, failure) -> pending.decrementAndGet());
            lastSend.exceptionally(failure -> {
                abort("a send failed");
                return null;
            });
        }
    }

    /**
     * Checks that the directory still answers: true if the ping sent at the previous check was
     * answered (or none was sent), and sends the next one; false, closing the channel (the handler
     * hears of it), if it was not. Called at a steady pace longer than a round trip, it notices a
     * half-open connection (a sleeping laptop, a NAT that dropped the mapping) that no close or
     * error ever reports.
     */
    public boolean stillAnswering() {
        if (!isOpen()) {
            return false;
        }
        if (receiver.pingOutstanding) {
            abort("the directory stopped answering pings");
            return false;
        }
        receiver.pingOutstanding = true;
        synchronized (sendLock) {
            lastSend = lastSend.thenCompose(ws -> ws.sendPing(ByteBuffer.allocate(0)));
            lastSend.exceptionally(failure -> {
                abort("a ping failed");
                return null;
            });
        }
        return true;
    }

    /** Drops the connection at once and tells the handler, which no abort of the JDK's does. */
    private void abort(String why) {
        receiver.because("broken: " + why); // before the abort, whose own failures would otherwise win
        socket.abort();
        receiver.ended("broken: " + why);
    }

    public boolean isOpen() {
        return !socket.isOutputClosed() && !socket.isInputClosed();
    }

    @Override
    public void close() {
        synchronized (sendLock) {
            lastSend.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"))
                    .orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((ws, failure) -> socket.abort());
        }
    }

    /** Reassembles text frames (bounded), hands valid signals on, and keeps the welcome for {@link #open}. */
    private static final class Receiver implements WebSocket.Listener {
        private final Handler handler;
        private final CompletableFuture<Signal> welcome = new CompletableFuture<>();
        private final CompletableFuture<Void> readyToDeliver = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final AtomicBoolean closed = new AtomicBoolean();
        /** Why the channel ended: the first reason given wins. */
        private final AtomicReference<String> endedBecause = new AtomicReference<>();
        /** A ping of ours not answered yet (see {@link SignalChannel#stillAnswering}). */
        volatile boolean pingOutstanding;

        Receiver(Handler handler) {
            this.handler = handler;
        }

        void ready() {
            readyToDeliver.complete(null);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            if (partial.length() + data.length() > Signal.MAX_CHARS) {
                partial.setLength(0);
                socket.sendClose(1009, "message too big");
                socket.request(1);
                return null;
            }
            partial.append(data);
            if (!last) {
                socket.request(1);
                return null;
            }
            String text = partial.toString();
            partial.setLength(0);
            Signal signal = Signal.parse(text);
            if (signal != null && Signal.WELCOME.equals(signal.type())) {
                welcome.complete(signal);
                socket.request(1);
                return null;
            }
            if (signal == null) {
                socket.request(1); // not a valid message: dropped
                return null;
            }
            // messages that race the welcome wait until open() has returned the channel
            return readyToDeliver.thenRun(() -> {
                try {
                    handler.onSignal(signal);
                } finally {
                    socket.request(1);
                }
            });
        }

        @Override
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            pingOutstanding = false;
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            socket.request(1); // the protocol has no binary frames: ignored
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            ended("closed by the directory (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            ended("broken: " + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage()));
        }

        /** Records why the channel is about to end, unless a reason came first. */
        void because(String why) {
            endedBecause.compareAndSet(null, why);
        }

        private void ended(String why) {
            because(why);
            String first = endedBecause.get();
            welcome.completeExceptionally(new CompletionException(new IllegalStateException(first)));
            if (closed.compareAndSet(false, true)) {
                readyToDeliver.thenRun(() -> handler.onClosed(first));
            }
        }
    }
}
