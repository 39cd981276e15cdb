package dev.p2pchat.directory.signal;

import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * A channel's WebSocket, written without ever blocking the caller (a container thread, the bus's
 * listening thread, the sweep): text goes out through the container's asynchronous send, one
 * frame at a time, from a queue of at most {@link #MAX_QUEUED_CHARS}; a client that lets the
 * queue overflow, or that does not take a frame within {@link #SEND_TIMEOUT_MILLIS}, is closed.
 * Pings and closes, which the container sends blocking, run on the small {@code control}
 * executor, bounded by {@link #CONTROL_TIMEOUT_MILLIS}; a ping is skipped while a frame is still
 * on its way (that client is not reading, and the idle timeout will judge it). A close waits for
 * the frames already queued (the error that explains it), unless the client is too slow.
 */
final class SessionLink implements Channel.Link {

    static final int MAX_QUEUED_CHARS = 64 * 1024;
    static final long SEND_TIMEOUT_MILLIS = 10_000;
    static final long CONTROL_TIMEOUT_MILLIS = 2_000;
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    private static final ByteBuffer PING = ByteBuffer.allocate(0);

    private final WebSocketSession session;
    private final Session container;
    private final Executor control;
    /** Guarded by this. */
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private int queuedChars;
    private boolean sending;
    private boolean closing;
    private CloseStatus pendingClose;

    SessionLink(WebSocketSession session, Executor control) {
        this.session = session;
        this.container = ((NativeWebSocketSession) session).getNativeSession(Session.class);
        this.control = control;
        container.getUserProperties().put(BLOCKING_SEND_TIMEOUT, CONTROL_TIMEOUT_MILLIS);
        container.getAsyncRemote().setSendTimeout(SEND_TIMEOUT_MILLIS);
    }

    @Override
    public synchronized void send(String text) {
        if (closing) {
            return;
        }
        if (queuedChars + text.length() > MAX_QUEUED_CHARS) {
            close(SignalRouter.POLICY, "too slow", false);
            return;
        }
        queue.add(text);
        queuedChars += text.length();
        if (!sending) {
            next();
        }
    }

    /** Sends the next queued frame, or the close asked for once the queue is empty; caller holds the lock. */
    private void next() {
        String text = queue.poll();
        if (text == null) {
            sending = false;
            if (pendingClose != null) {
                closeNow(pendingClose);
            }
            return;
        }
        queuedChars -= text.length();
        sending = true;
        try {
            container.getAsyncRemote().sendText(text, result -> {
                synchronized (this) {
                    if (result.isOK()) {
                        next();
                    } else {
                        sending = false;
                        close(SignalRouter.POLICY, "too slow", false);
                    }
                }
            });
        } catch (RuntimeException e) {
            sending = false;
            close(1011, "send failed", false);
        }
    }

    @Override
    public synchronized void ping() {
        if (closing || sending) {
            return;
        }
        run(() -> {
            try {
                container.getBasicRemote().sendPing(PING.duplicate());
            } catch (IOException | RuntimeException e) {
                close(SignalRouter.GOING_AWAY, "unreachable");
            }
        });
    }

    /** Closes after the frames already queued (an error the peer should read before the close). */
    @Override
    public synchronized void close(int code, String reason) {
        close(code, reason, true);
    }

    private void close(int code, String reason, boolean afterQueued) {
        if (closing) {
            if (!afterQueued && pendingClose != null && !sending) {
                closeNow(pendingClose);
            }
            return;
        }
        closing = true;
        CloseStatus status = new CloseStatus(code, reason);
        if (!afterQueued) {
            queue.clear();
            queuedChars = 0;
        }
        if (sending) {
            pendingClose = status; // next() closes once the queue has gone out
        } else {
            closeNow(status);
        }
    }

    private void closeNow(CloseStatus status) {
        pendingClose = null;
        run(() -> {
            try {
                session.close(status);
            } catch (IOException | RuntimeException e) {
                // the connection is gone anyway
            }
        });
    }

    private void run(Runnable task) {
        try {
            control.execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run();
        }
    }
}
