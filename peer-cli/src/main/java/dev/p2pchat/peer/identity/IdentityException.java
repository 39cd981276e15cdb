package dev.p2pchat.peer.identity;

import java.io.IOException;

/**
 * The identity or the {@code known_peers} file cannot be read, written or trusted. The message
 * names the file and the reason, ready to be shown to the user as one line.
 */
public class IdentityException extends IOException {

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
