package dev.p2pchat.peer.transport;

import java.io.IOException;

/**
 * A peer cannot be reached, or the connection to it cannot be secured. The message is one line
 * for the user, naming the address: {@code "cannot reach 127.0.0.1:4000: connection refused"}.
 */
public class TransportException extends IOException {

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
