package dev.p2pchat.directory.signal;

import dev.p2pchat.directory.session.ValidToken;
import java.util.concurrent.Executor;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The WebSocket side of a channel: opens it in the {@link SignalRouter} with what the handshake
 * authenticated, reassembles text frames (taking them in parts, so that an oversize frame is
 * noticed at {@link Signal#MAX_FRAME_BYTES} without ever being buffered whole), and hands them,
 * pongs and the close on. Binary frames are invalid.
 */
final class SignalHandler implements WebSocketHandler {

    static final String USER = "p2pchat.user";
    static final String LISTENING = "p2pchat.listening";
    static final String SEEN = "p2pchat.seen";
    private static final String CHANNEL = "p2pchat.channel";

    private final SignalRouter router;
    private final Executor control;

    SignalHandler(SignalRouter router, Executor control) {
        this.router = router;
        this.control = control;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        ValidToken user = (ValidToken) session.getAttributes().get(USER);
        boolean listening = Boolean.TRUE.equals(session.getAttributes().get(LISTENING));
        SessionLink link = new SessionLink(session, control);
        Channel channel = router.open(user.accountId(), user.username(), listening, user.tokenHash(), user.expiresAt(),
                link, (String) session.getAttributes().get(SEEN));
        if (channel == null) {
            link.close(1013, "full");
            return;
        }
        session.getAttributes().put(CHANNEL, channel);
    }

    @Override
    public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
        Channel channel = (Channel) session.getAttributes().get(CHANNEL);
        if (channel == null || channel.closed) {
            return;
        }
        if (message instanceof TextMessage text) {
            String part = text.getPayload();
            if (text.isLast() && channel.partial.isEmpty()) {
                router.received(channel, part); // the usual frame: whole in one part
                return;
            }
            if (channel.partial.length() + part.length() > Signal.MAX_FRAME_BYTES) {
                forget(channel.partial);
                router.invalid(channel, true);
                return;
            }
            channel.partial.append(part);
            if (text.isLast()) {
                String frame = channel.partial.toString();
                forget(channel.partial);
                router.received(channel, frame);
            }
        } else if (message instanceof BinaryMessage binary) {
            if (binary.isLast()) {
                router.invalid(channel, false);
            }
        } else if (message instanceof PongMessage) {
            router.heard(channel);
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        // the close follows
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
        Channel channel = (Channel) session.getAttributes().get(CHANNEL);
        if (channel != null) {
            router.closed(channel);
        }
    }

    /** Empties the parts joined so far, and gives back their room: the channel lives for days. */
    private static void forget(StringBuilder partial) {
        partial.setLength(0);
        partial.trimToSize();
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }
}
