package dev.p2pchat.peer.protocol;

import java.io.IOException;

/**
 * The peer broke the protocol: a malformed, oversized or unknown frame. The message is exact
 * and never quotes more than a few dozen characters of what the peer sent, so it can be shown
 * to the user and sent back in an ERROR frame ({@link ErrorCode#PROTOCOL_ERROR}).
 *
 * <p>After a {@code ProtocolException} from {@link FrameReader#read()} the stream is out of
 * step with the frame boundaries: the connection must be closed.
 */
public class ProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
