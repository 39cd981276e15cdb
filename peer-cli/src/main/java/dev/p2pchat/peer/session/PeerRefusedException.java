package dev.p2pchat.peer.session;

import dev.p2pchat.peer.protocol.ErrorCode;
import java.io.IOException;

/**
 * The HELLO exchange failed: the other side is not who it must be, speaks another version, or
 * refused us. The message is one line for the user; {@link #code()} is what goes (or came) on
 * the wire.
 */
public class PeerRefusedException extends IOException {
    private final ErrorCode code;

    public PeerRefusedException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
